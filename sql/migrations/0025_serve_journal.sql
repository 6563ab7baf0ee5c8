-- How far each serve journal has been recorded. serve --journal FILE appends every prediction to a local file
-- before it answers; the recorder copies them into ml.served_predictions and, in the same transaction, moves
-- the journal's mark for that serve process (boot) to the last entry it wrote. A serve started on the journal
-- after a crash records what the earlier processes answered past their marks, once each.
CREATE TABLE ml.served_journal_marks (
    journal text NOT NULL,
    boot text NOT NULL,
    recorded_through bigint NOT NULL CHECK (recorded_through >= 1),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (journal, boot)
);
COMMENT ON TABLE ml.served_journal_marks IS 'Per serve journal (host:path) and serve process (boot), the last journal entry recorded in ml.served_predictions.';
GRANT SELECT, INSERT, UPDATE ON ml.served_journal_marks TO pgpipe_serve;
