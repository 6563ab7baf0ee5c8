-- The idempotency keys of the pages of wind load $1 that URL $2 acknowledged.
SELECT idempotency_key FROM wind.deliveries WHERE load_run = $1 AND url = $2 AND acknowledged
