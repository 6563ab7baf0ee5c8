-- The accident model $1's overall metrics on the held-out split, for serve's GET /models.
SELECT 'test_' || metric, value
FROM accident.model_metrics
WHERE model_id = $1 AND predictor = 'model' AND split = 'test' AND severity IS NULL
ORDER BY metric
