-- Each census record's prediction by the latest version of each model: batch, line, the five inputs, probability, label.
SELECT pr.batch_date,
       pr.source_line,
       m.name AS model,
       m.version AS model_version,
       pr.age,
       btrim(pr.sex) AS sex,
       btrim(pr.marital_stat) AS marital_stat,
       btrim(pr.education) AS education,
       btrim(pr.tax_filer_stat) AS tax_filer_stat,
       pr.probability,
       pr.predicted_over_50k
FROM census.predictions pr
JOIN ml.models m USING (model_id)
WHERE m.version = (SELECT max(version) FROM ml.models latest WHERE latest.name = m.name)
ORDER BY pr.batch_date, pr.source_line, m.name;
