-- Census records per ISO week of the batch dates, weighted by the instance weight: people, age mean and quartiles, share over 50000 (actual and predicted by the latest model).
WITH records AS (
    SELECT to_char(p.batch_date, 'IYYY-"W"IW') AS week, p.batch_date, p.source_line, p.age, p.instance_weight AS weight,
           p.income_over_50k
    FROM census.persons p
    WHERE p.instance_weight IS NOT NULL
),
latest AS (
    SELECT pr.batch_date, pr.source_line, pr.predicted_over_50k
    FROM census.predictions pr JOIN ml.models m USING (model_id)
    -- The census model registered last, among those that scored census records.
    WHERE m.model_id = (SELECT model_id FROM ml.models
                        WHERE model_id IN (SELECT DISTINCT model_id FROM census.predictions)
                        ORDER BY registered_at DESC, model_id DESC LIMIT 1)
),
ranked AS (
    -- Cumulative weight by age: a weighted quantile is the first age whose cumulative share reaches it.
    SELECT week, age,
           sum(weight) OVER (PARTITION BY week ORDER BY age ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
               / sum(weight) OVER (PARTITION BY week) AS cumulative_share
    FROM records
),
quartiles AS (
    SELECT week,
           min(age) FILTER (WHERE cumulative_share >= 0.25) AS age_q1,
           min(age) FILTER (WHERE cumulative_share >= 0.5) AS age_median,
           min(age) FILTER (WHERE cumulative_share >= 0.75) AS age_q3
    FROM ranked GROUP BY week
)
SELECT r.week,
       min(r.batch_date) AS first_batch,
       max(r.batch_date) AS last_batch,
       count(DISTINCT r.batch_date) AS batches,
       count(*) AS records,
       round(sum(r.weight), 2) AS people,
       round(sum(r.weight * r.age) / sum(r.weight), 2) AS age_mean,
       q.age_q1, q.age_median, q.age_q3,
       -- A week in which nobody earns over 50,000 has a share of 0, not NULL.
       round(coalesce(sum(r.weight) FILTER (WHERE r.income_over_50k), 0) / sum(r.weight), 4) AS share_over_50k,
       round(coalesce(sum(r.weight) FILTER (WHERE l.predicted_over_50k), 0)
             / nullif(sum(r.weight) FILTER (WHERE l.predicted_over_50k IS NOT NULL), 0), 4)
           AS predicted_share_over_50k
FROM records r
JOIN quartiles q USING (week)
LEFT JOIN latest l USING (batch_date, source_line)
GROUP BY r.week, q.age_q1, q.age_median, q.age_q3
ORDER BY r.week;
