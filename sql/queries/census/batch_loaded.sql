-- Whether census batch $1 has records.
SELECT EXISTS (SELECT FROM census.persons WHERE batch_date = $1::date)
