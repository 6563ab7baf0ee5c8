-- Each person's predicted probability from model $1 and actual outcome, in batch $2, in file order.
SELECT pr.probability, p.income_over_50k
FROM census.predictions pr JOIN census.persons p USING (batch_date, source_line)
WHERE pr.model_id = $1 AND pr.batch_date = $2::date
ORDER BY pr.source_line
