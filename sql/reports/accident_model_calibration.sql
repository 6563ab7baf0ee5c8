-- Is the severity model's probability a frequency? On the test split (latest version), per severity and tenth of predicted probability: accidents, the mean predicted probability and the share that had that severity.
WITH latest AS (
    SELECT model_id FROM ml.models WHERE name = 'accident_severity_logistic' ORDER BY version DESC LIMIT 1
)
SELECT c.label AS severity,
       least(width_bucket(c.probability, 0, 1, 10), 10) AS tenth,
       count(*) AS accidents,
       round(avg(c.probability)::numeric, 6) AS mean_predicted,
       round(avg((p.actual_severity = c.code)::int), 6) AS observed
FROM accident.predictions p
CROSS JOIN LATERAL (VALUES (1, 'fatal', p.probability_fatal), (2, 'serious', p.probability_serious),
                           (3, 'slight', p.probability_slight)) AS c (code, label, probability)
WHERE p.model_id = (SELECT model_id FROM latest) AND p.split = 'test'
GROUP BY c.code, c.label, 2
ORDER BY c.code, 2;
