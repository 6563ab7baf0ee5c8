-- Models shared by every domain: what was registered, from which file, with which features.
CREATE SCHEMA ml;
COMMENT ON SCHEMA ml IS 'Registered models (the census XGBoost model, trained accident models) and what they need to be scored.';

CREATE TABLE ml.models (
    model_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CHECK (name <> ''),
    version integer NOT NULL CHECK (version >= 1),
    kind text NOT NULL CHECK (kind IN ('xgboost', 'logistic_regression')),
    sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    feature_names text[] NOT NULL,
    threshold double precision NOT NULL DEFAULT 0.5 CHECK (threshold > 0 AND threshold < 1),
    definition json NOT NULL,
    source_file text,
    reference_batch text,
    registered_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version)
);
COMMENT ON TABLE ml.models IS 'One row per model version. Registering the same file again finds its row by sha256.';
COMMENT ON COLUMN ml.models.version IS 'Counts up per name: a new file registered under a known name becomes its next version.';
COMMENT ON COLUMN ml.models.sha256 IS 'sha256 of the model file; equals sha256 of definition::text, which keeps the file''s bytes.';
COMMENT ON COLUMN ml.models.feature_names IS 'The model''s input columns in order, e.g. age, sex_ Female, ...';
COMMENT ON COLUMN ml.models.threshold IS 'A probability at or above this is a positive prediction.';
COMMENT ON COLUMN ml.models.definition IS 'The model file itself (XGBoost JSON, or the coefficients of a trained model).';
COMMENT ON COLUMN ml.models.reference_batch IS 'The batch drift is measured against (population stability index); NULL means the first batch scored.';
