-- Every prediction serve answered: which model version, when, the record as sent and the answer. Written off
-- the request path, in batches through COPY; pgpipe_serve may insert here and nothing more.
CREATE TABLE ml.served_predictions (
    served_at timestamptz NOT NULL,
    model_id integer NOT NULL REFERENCES ml.models,
    inputs jsonb NOT NULL,
    output jsonb NOT NULL
);
CREATE INDEX served_predictions_model_time_idx ON ml.served_predictions (model_id, served_at);
COMMENT ON TABLE ml.served_predictions IS 'One row per record serve predicted: model version, time, the record as sent (inputs) and the answer (output). Batched through COPY; when the database is down, serve keeps answering and counts what it could not record (pgpipe_serve_predictions_dropped_total).';
GRANT INSERT ON ml.served_predictions TO pgpipe_serve;
