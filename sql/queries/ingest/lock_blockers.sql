-- The sessions the session with pid $1 waits for a lock from, a row each: the pid, and who they are and how
-- long they have been in their state (a report left open in a transaction, another load). Other roles' state is only
-- visible to pg_read_all_stats; their pid, role and application always are.
SELECT pid, 'session ' || pid || ' (' || concat_ws(', ', 'role ' || usename,
       'application ' || nullif(application_name, ''),
       state || ' for ' || extract(epoch FROM now() - coalesce(state_change, xact_start))::bigint || ' s') || ')'
FROM pg_stat_activity
WHERE pid = ANY (pg_blocking_pids($1))
ORDER BY pid
