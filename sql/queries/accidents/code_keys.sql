-- The codes of one DfT lookup table (psql variable `table`). Any code but -1 must be in the table; -1
-- (missing or out of range) is accepted as written, so the reconciliation can show it.
SELECT code::text, code::text, label FROM accident.:"table"
UNION ALL
SELECT '-1', '-1', 'missing or out of range' WHERE NOT EXISTS (SELECT FROM accident.:"table" WHERE code = -1)
