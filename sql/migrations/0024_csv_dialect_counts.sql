-- What a CSV dialect did to records besides loading or rejecting them, so a file's lines still add up in the
-- ledger: records padded with nulls (padShortRows) were loaded or rejected as any other; records of empty
-- fields only were skipped as blank lines are, and are not among rows_read.
ALTER TABLE ingest.run_sources
    ADD COLUMN rows_padded bigint CHECK (rows_padded >= 0),
    ADD COLUMN empty_rows_skipped bigint CHECK (empty_rows_skipped >= 0);
COMMENT ON COLUMN ingest.run_sources.rows_padded IS 'CSV records given nulls for missing trailing fields (the dialect''s padShortRows); NULL for another format.';
COMMENT ON COLUMN ingest.run_sources.empty_rows_skipped IS 'CSV records of empty fields only (a line of delimiters), skipped as blank lines; NULL for another format.';
