-- The type of each column a COPY fills, as format_type writes it, in the order given: $1 is the table
-- (regclass text), $2 a JSON array of the column names. A name the table lacks gives NULL.
SELECT format_type(a.atttypid, NULL)
FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS c(name, n)
LEFT JOIN pg_attribute a ON a.attrelid = $1::regclass AND a.attname = c.name AND NOT a.attisdropped
ORDER BY c.n
