-- A serve journal's mark for one serve process (boot): the last entry written to ml.served_predictions, moved
-- in the transaction that wrote it. Parameters: the journal (host:path), the boot, the entry number.
INSERT INTO ml.served_journal_marks (journal, boot, recorded_through) VALUES ($1, $2, $3)
ON CONFLICT (journal, boot) DO UPDATE
SET recorded_through = greatest(ml.served_journal_marks.recorded_through, EXCLUDED.recorded_through), recorded_at = now()
