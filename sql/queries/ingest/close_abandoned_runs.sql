-- Runs still 'running' whose session has ended: their process was killed or lost its connection, so Postgres
-- rolled their load back. (Another role's session shows no backend_start to us; its pid alone then counts.)
UPDATE ingest.runs r SET status = 'failed', finished_at = greatest(clock_timestamp(), r.started_at),
    message = 'the run''s session ended before it finished (process killed or connection lost); nothing of it was committed'
WHERE r.status = 'running' AND r.backend_pid IS NOT NULL AND NOT EXISTS (
    SELECT FROM pg_stat_activity a
    WHERE a.pid = r.backend_pid AND (a.backend_start IS NULL OR a.backend_start = r.backend_start))
