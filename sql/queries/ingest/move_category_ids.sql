-- Points the rows a load copied at their categories' settled ids: $1 is a JSON array of {from_id, to_id},
-- :"schema".:"table" the table the COPY filled, :"column" its id column for the category.
UPDATE :"schema".:"table" AS t SET :"column" = m.to_id
FROM jsonb_to_recordset($1::jsonb) AS m(from_id integer, to_id integer)
WHERE t.:"column" = m.from_id
