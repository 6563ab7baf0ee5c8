-- How long this session waits for a lock, in milliseconds ($1), for the whole session.
SELECT set_config('lock_timeout', $1, false)
