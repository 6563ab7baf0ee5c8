-- One input file of a run: $1 run, $2 input, $3 file, $4 its sha256, $5 bytes, $6 rows read, $7 loaded, $8 rejected,
-- $9 physical lines (NULL for a database table), $10 CSV records padded, $11 CSV records of empty fields skipped
-- (NULL for another format).
INSERT INTO ingest.run_sources (run_id, input, source_file, sha256, bytes, rows_read, rows_loaded, rows_rejected, lines,
    rows_padded, empty_rows_skipped)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
