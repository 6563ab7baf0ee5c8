-- The columns of table $1.$2 as a contract compares them: name, type as format_type writes it, NOT NULL.
SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a
WHERE a.attrelid = to_regclass(format('%I.%I', $1::text, $2::text)) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
