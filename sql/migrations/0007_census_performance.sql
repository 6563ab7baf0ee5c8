-- How the census model performs on each batch, and how far each input drifts from the reference batch.
CREATE TABLE census.model_performance (
    model_id integer NOT NULL REFERENCES ml.models,
    batch_date date NOT NULL,
    reference_batch date NOT NULL,
    rows integer NOT NULL CHECK (rows > 0),
    threshold double precision NOT NULL,
    actual_positive_rate double precision NOT NULL,
    predicted_positive_rate double precision NOT NULL,
    accuracy double precision NOT NULL,
    precision double precision NOT NULL,
    recall double precision NOT NULL,
    f1 double precision NOT NULL,
    roc_auc double precision,
    log_loss double precision NOT NULL,
    brier double precision NOT NULL,
    true_positives integer NOT NULL,
    false_positives integer NOT NULL,
    true_negatives integer NOT NULL,
    false_negatives integer NOT NULL,
    accuracy_change double precision NOT NULL,
    max_psi double precision NOT NULL,
    accuracy_dropped boolean NOT NULL,
    drifted boolean NOT NULL,
    PRIMARY KEY (model_id, batch_date),
    CHECK (true_positives + false_positives + true_negatives + false_negatives = rows)
);
COMMENT ON TABLE census.model_performance IS 'The model''s performance history: one row per batch and model version, recomputed whenever that batch is scored.';
COMMENT ON COLUMN census.model_performance.reference_batch IS 'The batch drift and accuracy change are measured against (ml.models.reference_batch, else the first batch scored).';
COMMENT ON COLUMN census.model_performance.threshold IS 'The model''s threshold: probability >= threshold predicts income over 50000.';
COMMENT ON COLUMN census.model_performance.roc_auc IS 'Area under the ROC curve; NULL when the batch holds only one class.';
COMMENT ON COLUMN census.model_performance.log_loss IS 'Mean cross-entropy of the probabilities (clipped to machine epsilon).';
COMMENT ON COLUMN census.model_performance.brier IS 'Mean squared difference between probability and outcome.';
COMMENT ON COLUMN census.model_performance.accuracy_change IS 'accuracy minus the reference batch''s accuracy.';
COMMENT ON COLUMN census.model_performance.max_psi IS 'The largest population stability index among the inputs (see census.feature_stability).';
COMMENT ON COLUMN census.model_performance.accuracy_dropped IS 'Accuracy fell by more than 2 points against the reference batch.';
COMMENT ON COLUMN census.model_performance.drifted IS 'An input''s population stability index passed 0.2.';

CREATE TABLE census.feature_stability (
    model_id integer NOT NULL,
    batch_date date NOT NULL,
    feature text NOT NULL,
    psi double precision NOT NULL CHECK (psi >= 0),
    PRIMARY KEY (model_id, batch_date, feature),
    FOREIGN KEY (model_id, batch_date) REFERENCES census.model_performance ON DELETE CASCADE
);
COMMENT ON TABLE census.feature_stability IS 'Population stability index of each model input in a batch against the reference batch. Categories (NULL as its own bucket) for categorical inputs; ten-year bands for age.';
