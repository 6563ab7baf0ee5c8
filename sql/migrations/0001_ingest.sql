-- The ingest service's own records: the load ledger and the rejected rows.
CREATE SCHEMA ingest;
COMMENT ON SCHEMA ingest IS 'Bookkeeping of the ingest service: one row per load run, its input files, and every row it rejected.';

CREATE TABLE ingest.runs (
    run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset text NOT NULL,
    status text NOT NULL CHECK (status IN ('running', 'loaded', 'loaded_with_rejects', 'rolled_back', 'failed')),
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz CHECK (finished_at >= started_at),
    max_rejects integer NOT NULL CHECK (max_rejects >= 0),
    rows_read bigint CHECK (rows_read >= 0),
    rows_loaded bigint CHECK (rows_loaded >= 0),
    rows_rejected bigint CHECK (rows_rejected >= 0),
    message text,
    CHECK (status = 'running' OR finished_at IS NOT NULL)
);
COMMENT ON TABLE ingest.runs IS 'The load ledger: one row per run of `ingest load` and dataset. A run left ''running'' was killed.';
COMMENT ON COLUMN ingest.runs.status IS 'running, loaded (every row), loaded_with_rejects (valid rows committed), rolled_back (more rejects than max_rejects), failed (an error; message says which)';
COMMENT ON COLUMN ingest.runs.rows_read IS 'Records read from all input files; equals rows_loaded + rows_rejected when the load committed.';
COMMENT ON COLUMN ingest.runs.max_rejects IS 'The --max-rejects the run was given: more rejects than this roll the load back.';

CREATE TABLE ingest.run_sources (
    run_id bigint NOT NULL REFERENCES ingest.runs ON DELETE CASCADE,
    input text NOT NULL,
    source_file text NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes bigint NOT NULL CHECK (bytes >= 0),
    rows_read bigint NOT NULL CHECK (rows_read >= 0),
    rows_loaded bigint NOT NULL CHECK (rows_loaded >= 0),
    rows_rejected bigint NOT NULL CHECK (rows_rejected >= 0),
    PRIMARY KEY (run_id, input)
);
COMMENT ON TABLE ingest.run_sources IS 'Each input file of a run: its path, sha256 and size as read, and its row counts.';

CREATE TABLE ingest.rejects (
    run_id bigint NOT NULL REFERENCES ingest.runs ON DELETE CASCADE,
    dataset text NOT NULL,
    source_file text NOT NULL,
    line bigint NOT NULL CHECK (line >= 1),
    field text,
    reason text NOT NULL,
    raw text NOT NULL
);
CREATE INDEX rejects_run_idx ON ingest.rejects (run_id);
COMMENT ON TABLE ingest.rejects IS 'Every row a run did not load, with where it is and why; kept even when the run rolled back.';
COMMENT ON COLUMN ingest.rejects.line IS '1-based line of the input file on which the rejected record starts.';
COMMENT ON COLUMN ingest.rejects.field IS 'The column at fault; NULL when the record as a whole is (wrong field count, unclosed quote, duplicate).';
COMMENT ON COLUMN ingest.rejects.raw IS 'The record as it stands in the file; invalid UTF-8 and NUL bytes shown as U+FFFD.';
