-- The census model $1's performance on its latest scored batch, for serve's GET /models.
SELECT accuracy, roc_auc, log_loss, max_psi
FROM census.model_performance
WHERE model_id = $1
ORDER BY batch_date DESC
LIMIT 1
