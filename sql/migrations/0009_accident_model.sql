-- The accident-severity model trained on the combined data: its predictions and metrics.
CREATE TABLE accident.predictions (
    model_id integer NOT NULL REFERENCES ml.models,
    accident_index text NOT NULL REFERENCES accident.accidents ON DELETE CASCADE,
    split text NOT NULL CHECK (split IN ('train', 'test')),
    actual_severity smallint NOT NULL REFERENCES accident.severity,
    predicted_severity smallint NOT NULL REFERENCES accident.severity,
    probability_fatal double precision NOT NULL,
    probability_serious double precision NOT NULL,
    probability_slight double precision NOT NULL,
    PRIMARY KEY (model_id, accident_index),
    CHECK (abs(probability_fatal + probability_serious + probability_slight - 1) < 1e-9)
);
COMMENT ON TABLE accident.predictions IS 'The severity model''s prediction for every accident with a known severity, on the seeded stratified 80/20 split it was trained on.';
COMMENT ON COLUMN accident.predictions.split IS 'train (80%) or test (20%), stratified by severity, fixed by the seed.';

CREATE TABLE accident.model_metrics (
    model_id integer NOT NULL REFERENCES ml.models,
    predictor text NOT NULL CHECK (predictor IN ('model', 'majority_class')),
    split text NOT NULL CHECK (split IN ('train', 'test')),
    metric text NOT NULL,
    severity smallint REFERENCES accident.severity,
    actual_severity smallint REFERENCES accident.severity,
    value double precision NOT NULL,
    UNIQUE NULLS NOT DISTINCT (model_id, predictor, split, metric, severity, actual_severity)
);
COMMENT ON TABLE accident.model_metrics IS 'Metrics of the severity model next to the majority-class baseline: accuracy, balanced_accuracy, macro_f1, log_loss; precision and recall per severity; confusion (actual_severity row, severity column, count).';
