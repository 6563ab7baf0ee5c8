-- The severity classes the model learns from: accidents per severity, their share, and how the seeded split divided them (latest model version).
WITH latest AS (
    SELECT model_id FROM ml.models WHERE name = 'accident_severity_logistic' ORDER BY version DESC LIMIT 1
)
SELECT s.code AS severity,
       s.label,
       count(a.accident_index) AS accidents,
       round(count(a.accident_index)::numeric / sum(count(a.accident_index)) OVER (), 6) AS share,
       count(*) FILTER (WHERE p.split = 'train') AS train,
       count(*) FILTER (WHERE p.split = 'test') AS test
FROM accident.severity s
LEFT JOIN accident.accidents a ON a.severity = s.code
LEFT JOIN accident.predictions p ON p.accident_index = a.accident_index AND p.model_id = (SELECT model_id FROM latest)
GROUP BY s.code, s.label
ORDER BY s.code;
