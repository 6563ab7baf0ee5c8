-- Every registered model version, for serve: id, name, version, kind, the definition as stored, threshold,
-- the file's sha256 and path.
SELECT model_id, name, version, kind, definition::text, threshold, sha256, source_file
FROM ml.models
ORDER BY model_id
