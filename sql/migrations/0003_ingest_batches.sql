-- Batch-wise datasets (census) replace one batch per load: the ledger says which.
ALTER TABLE ingest.runs ADD COLUMN batch text;
COMMENT ON COLUMN ingest.runs.batch IS 'The batch a batch-wise load replaced (a census batch date); NULL for whole-dataset loads.';
