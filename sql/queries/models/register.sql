-- A model's next version under its name: $1 name, $2 kind, $3 sha256 of $5, $4 feature names (a text[]
-- literal), $5 definition (JSON), $6 the file it came from, $7 its reference batch.
INSERT INTO ml.models (name, version, kind, sha256, feature_names, definition, source_file, reference_batch)
SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4::text[], $5::json, $6, $7
FROM ml.models WHERE name = $1
