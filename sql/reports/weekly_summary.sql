-- Census records per ISO week of the batch dates, weighted by the instance weight: people, age mean and quartiles, share over 50000 (actual and predicted by the latest model).
-- Records are summed per batch and age first, and the weeks made of those sums: sums of numeric are exact, so
-- the figures are the ones the records give, and no step sorts or windows over every record (each batch's
-- sums are its partition's alone: docs/scaling.md).
WITH latest_model AS (
    -- The census model registered last, among those that scored census records. Grouped by batch too, so
    -- each batch's partition (each shard, on a coordinator) answers for its own models, not all its rows.
    SELECT model_id FROM ml.models
    WHERE model_id IN (SELECT model_id FROM census.predictions GROUP BY batch_date, model_id)
    ORDER BY registered_at DESC, model_id DESC LIMIT 1
),
batch_ages AS (
    SELECT p.batch_date, p.age,
           count(*) AS records,
           sum(p.instance_weight) AS weight,
           sum(p.instance_weight) FILTER (WHERE p.income_over_50k) AS weight_over_50k,
           sum(p.instance_weight) FILTER (WHERE pr.predicted_over_50k) AS weight_predicted_over_50k,
           sum(p.instance_weight) FILTER (WHERE pr.predicted_over_50k IS NOT NULL) AS weight_predicted
    FROM census.persons p
    LEFT JOIN census.predictions pr
        ON pr.batch_date = p.batch_date AND pr.source_line = p.source_line AND pr.model_id = (SELECT model_id FROM latest_model)
    WHERE p.instance_weight IS NOT NULL
    GROUP BY p.batch_date, p.age
),
ages AS (
    SELECT to_char(batch_date, 'IYYY-"W"IW') AS week, age, sum(weight) AS weight
    FROM batch_ages GROUP BY 1, 2
),
quartiles AS (
    -- A weighted quantile is the first age whose cumulative share of the week's weight reaches it.
    SELECT week,
           min(age) FILTER (WHERE cumulative_share >= 0.25) AS age_q1,
           min(age) FILTER (WHERE cumulative_share >= 0.5) AS age_median,
           min(age) FILTER (WHERE cumulative_share >= 0.75) AS age_q3
    FROM (SELECT week, age, sum(weight) OVER (PARTITION BY week ORDER BY age) / sum(weight) OVER (PARTITION BY week) AS cumulative_share
          FROM ages) a
    GROUP BY week
)
SELECT to_char(b.batch_date, 'IYYY-"W"IW') AS week,
       min(b.batch_date) AS first_batch,
       max(b.batch_date) AS last_batch,
       count(DISTINCT b.batch_date) AS batches,
       sum(b.records)::bigint AS records,
       round(sum(b.weight), 2) AS people,
       round(sum(b.weight * b.age) / sum(b.weight), 2) AS age_mean,
       q.age_q1, q.age_median, q.age_q3,
       -- A week in which nobody earns over 50,000 has a share of 0, not NULL.
       round(coalesce(sum(b.weight_over_50k), 0) / sum(b.weight), 4) AS share_over_50k,
       round(coalesce(sum(b.weight_predicted_over_50k), 0) / nullif(sum(b.weight_predicted), 0), 4) AS predicted_share_over_50k
FROM batch_ages b
JOIN quartiles q ON q.week = to_char(b.batch_date, 'IYYY-"W"IW')
GROUP BY 1, q.age_q1, q.age_median, q.age_q3
ORDER BY 1;
