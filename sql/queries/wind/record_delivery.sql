-- One page's outcome of sending wind load $1's joined rows to URL $2, as a row of wind.deliveries.
INSERT INTO wind.deliveries (load_run, url, page, pages, rows, idempotency_key, status, acknowledged, attempts, response_ms, error)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
