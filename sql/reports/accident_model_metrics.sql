-- The severity model's metrics on its test split (and train), next to the majority-class baseline: accuracy, balanced accuracy, macro F1, log loss, precision and recall per severity, the confusion matrix.
SELECT m.version AS model_version,
       x.predictor,
       x.split,
       x.metric,
       s.label AS severity,
       a.label AS actual_severity,
       x.value
FROM accident.model_metrics x
JOIN ml.models m USING (model_id)
LEFT JOIN accident.severity s ON s.code = x.severity
LEFT JOIN accident.severity a ON a.code = x.actual_severity
WHERE m.model_id = (SELECT model_id FROM ml.models WHERE name = 'accident_severity_logistic' ORDER BY version DESC LIMIT 1)
ORDER BY x.split DESC, x.predictor DESC, x.metric, x.severity NULLS FIRST, x.actual_severity NULLS FIRST;
