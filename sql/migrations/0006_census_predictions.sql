-- The census model's predictions, one row per model and record.
CREATE TABLE census.predictions (
    model_id integer NOT NULL REFERENCES ml.models,
    batch_date date NOT NULL,
    source_line integer NOT NULL,
    age integer NOT NULL,
    sex text,
    marital_stat text,
    education text,
    tax_filer_stat text,
    unknown_category boolean NOT NULL,
    probability double precision NOT NULL CHECK (probability >= 0 AND probability <= 1),
    predicted_over_50k boolean NOT NULL,
    PRIMARY KEY (model_id, batch_date, source_line),
    FOREIGN KEY (batch_date, source_line) REFERENCES census.persons ON DELETE CASCADE
);
CREATE INDEX predictions_batch_idx ON census.predictions (batch_date, source_line);
COMMENT ON TABLE census.predictions IS 'The census model''s verdict on each record: its inputs as the model saw them, the probability of income over 50000 and the predicted label. Rescoring a batch with a model replaces that batch''s rows for that model.';
COMMENT ON COLUMN census.predictions.model_id IS 'The model (and so its version) that scored the record.';
COMMENT ON COLUMN census.predictions.age IS 'Model input: age.';
COMMENT ON COLUMN census.predictions.sex IS 'Model input: sex, spelled as in the file (leading space), as the model''s one-hot columns are named; NULL where the file says ?.';
COMMENT ON COLUMN census.predictions.marital_stat IS 'Model input: marital status, spelled as in the file.';
COMMENT ON COLUMN census.predictions.education IS 'Model input: education, spelled as in the file.';
COMMENT ON COLUMN census.predictions.tax_filer_stat IS 'Model input: tax filer status, spelled as in the file.';
COMMENT ON COLUMN census.predictions.unknown_category IS 'An input had a category the model has no column for, so none of its one-hot columns was set.';
COMMENT ON COLUMN census.predictions.probability IS 'Predicted probability that income is over 50000.';
COMMENT ON COLUMN census.predictions.predicted_over_50k IS 'probability >= the model''s threshold.';
