-- Whether model $1 has scored census batch $2.
SELECT EXISTS (SELECT FROM census.predictions WHERE model_id = $1 AND batch_date = $2::date)
