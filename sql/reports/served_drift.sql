-- Online drift: for each served model version and categorical input, the population stability index of the
-- values served against the model's reference batch (its first scored batch), as census_performance measures
-- batch drift; buckets are the input's labels, a share of 0 counted as 0.0001.
WITH served AS (
    SELECT s.model_id, i.key AS input, btrim(i.value #>> '{}') AS value, count(*) AS n
    FROM ml.served_predictions s
    JOIN ml.models m USING (model_id)
    CROSS JOIN LATERAL jsonb_each(s.inputs) i
    WHERE m.kind = 'xgboost' AND i.key IN ('sex', 'marital_stat', 'education', 'tax_filer_stat')
    GROUP BY 1, 2, 3
), reference AS (
    SELECT p.model_id, i.input, btrim(i.value) AS value, count(*) AS n
    FROM census.predictions p
    JOIN ml.models m USING (model_id)
    CROSS JOIN LATERAL (VALUES ('sex', p.sex), ('marital_stat', p.marital_stat), ('education', p.education),
                               ('tax_filer_stat', p.tax_filer_stat)) AS i (input, value)
    -- Only a census model's reference is a date (the accident model's names a load run).
    WHERE p.batch_date = CASE WHEN m.reference_batch ~ '^\d{4}-\d{2}-\d{2}$' THEN m.reference_batch::date END
      AND m.model_id IN (SELECT model_id FROM served)
    GROUP BY 1, 2, 3
), buckets AS (
    SELECT coalesce(s.model_id, r.model_id) AS model_id, coalesce(s.input, r.input) AS input,
           coalesce(s.n, 0)::float8 / sum(coalesce(s.n, 0)) OVER w AS actual,
           coalesce(r.n, 0)::float8 / nullif(sum(coalesce(r.n, 0)) OVER w, 0) AS expected
    FROM served s
    FULL JOIN reference r ON r.model_id = s.model_id AND r.input = s.input AND r.value IS NOT DISTINCT FROM s.value
    WINDOW w AS (PARTITION BY coalesce(s.model_id, r.model_id), coalesce(s.input, r.input))
)
SELECT m.name AS model,
       m.version AS model_version,
       b.input,
       m.reference_batch,
       (SELECT count(*) FROM ml.served_predictions s WHERE s.model_id = m.model_id) AS served,
       round(sum((greatest(b.actual, 0.0001) - greatest(b.expected, 0.0001))
                 * ln(greatest(b.actual, 0.0001) / greatest(b.expected, 0.0001)))::numeric, 6) AS psi
FROM buckets b
JOIN ml.models m USING (model_id)
WHERE b.expected IS NOT NULL
GROUP BY m.model_id, m.name, m.version, b.input, m.reference_batch
ORDER BY m.name, m.version, b.input;
