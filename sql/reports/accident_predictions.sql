-- The accident-severity model's prediction for every accident (latest model version): index, split, actual and predicted severity, the three class probabilities.
SELECT p.accident_index,
       p.split,
       p.actual_severity,
       p.predicted_severity,
       p.probability_fatal,
       p.probability_serious,
       p.probability_slight
FROM accident.predictions p
WHERE p.model_id = (SELECT model_id FROM ml.models WHERE name = 'accident_severity_logistic' ORDER BY version DESC LIMIT 1)
ORDER BY p.accident_index;
