-- The census model's performance history: one row per batch and model version, with drift flags.
SELECT m.name AS model,
       m.version AS model_version,
       p.batch_date,
       p.reference_batch,
       p.rows,
       p.threshold,
       p.actual_positive_rate,
       p.predicted_positive_rate,
       p.accuracy,
       p.precision,
       p.recall,
       p.f1,
       p.roc_auc,
       p.log_loss,
       p.brier,
       p.true_positives,
       p.false_positives,
       p.true_negatives,
       p.false_negatives,
       p.accuracy_change,
       p.max_psi,
       (SELECT f.feature FROM census.feature_stability f
        WHERE f.model_id = p.model_id AND f.batch_date = p.batch_date
        ORDER BY f.psi DESC, f.feature LIMIT 1) AS most_drifted_input,
       p.accuracy_dropped,
       p.drifted
FROM census.model_performance p
JOIN ml.models m USING (model_id)
ORDER BY m.name, m.version, p.batch_date;
