-- The primary key, unique and foreign key constraints of table $1.$2: name, kind (p, u, f), its columns in
-- order, and for a foreign key the referenced schema, table and columns (arrays as JSON).
SELECT c.conname::text, c.contype::text,
       (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n)::text,
       coalesce(rn.nspname::text, ''), coalesce(r.relname::text, ''),
       coalesce((SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY AS k(n, i)
        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n)::text, '[]')
FROM pg_constraint c
LEFT JOIN pg_class r ON r.oid = c.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
WHERE c.conrelid = to_regclass(format('%I.%I', $1::text, $2::text)) AND c.contype IN ('p', 'u', 'f')
ORDER BY c.conname
