-- Weighted shares per ISO week of the batch dates by sex, education, marital status, tax filer status and class of worker (missing values as "(missing)").
WITH records AS (
    SELECT to_char(batch_date, 'IYYY-"W"IW') AS week, instance_weight AS weight, *
    FROM census.persons_labelled
    WHERE instance_weight IS NOT NULL
),
categories AS (
    SELECT week, weight, 'sex' AS attribute, sex AS category FROM records
    UNION ALL SELECT week, weight, 'education', education FROM records
    UNION ALL SELECT week, weight, 'marital_stat', marital_stat FROM records
    UNION ALL SELECT week, weight, 'tax_filer_stat', tax_filer_stat FROM records
    UNION ALL SELECT week, weight, 'class_of_worker', class_of_worker FROM records
)
SELECT week,
       attribute,
       coalesce(category, '(missing)') AS category,
       round(sum(weight), 2) AS people,
       round(sum(weight) / sum(sum(weight)) OVER (PARTITION BY week, attribute), 4) AS share
FROM categories
GROUP BY week, attribute, coalesce(category, '(missing)')
ORDER BY week, attribute, share DESC, category;
