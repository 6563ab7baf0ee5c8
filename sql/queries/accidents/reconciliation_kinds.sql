-- How many differences of each kind the accident sources' reconciliation found.
SELECT kind, count(*) FROM accident.reconciliation GROUP BY kind ORDER BY kind
