-- The tables whose batch partitions reference batch-partitioned table $1 (regclass text), schema and name.
SELECT c.relnamespace::regnamespace::text, c.relname
FROM ingest.batch_references r JOIN pg_class c ON c.oid = r.referencing
WHERE r.referenced = $1::regclass
ORDER BY 1, 2
