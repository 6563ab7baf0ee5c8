-- The forecasts: quality findings (wind.quality, source 'forecast'), then the cleaned and imputed half-hours
-- (wind.half_hours). Runs after wind.forecast_raw is copied. The checks are defined in docs/wind.md (The stages) and
-- computed independently from the raw file by scripts/reference/wind_quality.py; a test compares the two.
--
-- What the times mean: startTimeOfHalfHrPeriod is the settlement date (DD/MM/YYYY), the outturn time is the
-- end of the settlement period (period 1 ends 00:30), and every time is UK local wall-clock time: the initial
-- forecasts published 30/10/2021 03:30 (still BST) and 02:30 every day after the clock change are one run at
-- 02:30 UTC shown in local time. A settlement day starts at local midnight and has 46, 48 or 50 periods.

-- Each row read: the settlement date and period as written and as the outturn time proves them.
CREATE TEMP TABLE forecast_read ON COMMIT DROP AS
WITH parsed AS (
    SELECT r.*,
           CASE WHEN start_time_of_half_hr_period ~ '^\d{2}/\d{2}/\d{4}$'
                THEN wind.local_timestamp(start_time_of_half_hr_period)::date END AS date_raw,
           CASE WHEN settlement_period ~ '^[0-9]{1,4}$' THEN settlement_period::int END AS period_number,
           CASE WHEN out_turn_publishing_period_commencing_time ~ '^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$'
                THEN wind.local_timestamp(out_turn_publishing_period_commencing_time) END AS outturn_time,
           -- Each time is parsed once, here; the checks and the cleaning below read these.
           CASE WHEN initial_forecast_publishing_period_commencing_time ~ '^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$'
                THEN wind.local_timestamp(initial_forecast_publishing_period_commencing_time) END AS initial_published,
           CASE WHEN latest_forecast_publishing_period_commencing_time ~ '^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$'
                THEN wind.local_timestamp(latest_forecast_publishing_period_commencing_time) END AS latest_published
    FROM wind.forecast_raw r
),
bounded AS (
    -- The period the outturn time ends, counted in real time from the local midnight of its day, so that the
    -- 46 and 50 periods of a clock change count right.
    SELECT p.*,
           CASE WHEN period_number BETWEEN 1 AND coalesce(wind.periods_in_day(date_raw), 48) THEN period_number END AS period_raw,
           (((outturn_time AT TIME ZONE 'Europe/London') - interval '30 minutes') AT TIME ZONE 'Europe/London')::date AS outturn_day,
           extract(epoch FROM ((outturn_time AT TIME ZONE 'Europe/London') - interval '30 minutes')
               - ((((outturn_time AT TIME ZONE 'Europe/London') - interval '30 minutes') AT TIME ZONE 'Europe/London')::date::timestamp
                  AT TIME ZONE 'Europe/London'))::int AS outturn_offset
    FROM parsed p
),
consistent AS (
    -- The written period ends when the outturn time says; in the repeated hour of October's clock change one
    -- wall-clock time ends two periods, and the written one decides.
    SELECT b.*,
           CASE WHEN outturn_offset % 1800 = 0 THEN outturn_offset / 1800 + 1 END AS outturn_period,
           period_raw IS NOT NULL AND outturn_time IS NOT NULL
               AND (outturn_offset = (period_raw - 1) * 1800
                    OR ((outturn_day::timestamp AT TIME ZONE 'Europe/London') + period_raw * interval '30 minutes') AT TIME ZONE 'Europe/London' = outturn_time)
               AS agrees
    FROM bounded b
),
proved AS (
    SELECT c.*,
           outturn_time IS NOT NULL AND period_raw IS NOT NULL AND NOT agrees AS time_mismatch,
           -- The outturn time, on the half-hour grid and agreeing with the period, proves date and period.
           outturn_period IS NOT NULL AND (period_raw IS NULL OR agrees) AS proven
    FROM consistent c
)
SELECT p.*,
       CASE WHEN proven THEN outturn_day ELSE date_raw END AS settlement_date,
       CASE WHEN proven THEN coalesce(CASE WHEN agrees THEN period_raw END, outturn_period) ELSE period_raw END AS period,
       CASE WHEN efa = '' THEN unnamed_13 ELSE efa END AS efa_found
FROM proved p;

-- The times must be in the file's declared style, DD/MM/YYYY (HH:MM): a delivery in another style (ISO dates, or
-- month first) would otherwise load as an empty grid, or as a year of mostly empty half-hours, with nothing but
-- the quality report to say so. A few unreadable times are findings; most of them refuse the load.
DO $$
DECLARE
    unread record;
BEGIN
    SELECT count(*) AS total,
           count(*) FILTER (WHERE failed) AS failed,
           (array_agg(line ORDER BY line) FILTER (WHERE failed))[1] AS first_line,
           (array_agg(shown ORDER BY line) FILTER (WHERE failed))[1] AS first_value
    INTO unread
    FROM (
        SELECT line,
               (date_raw IS NULL AND start_time_of_half_hr_period ~ '\d')
                   OR (outturn_time IS NULL AND out_turn_publishing_period_commencing_time ~ '\d') AS failed,
               CASE WHEN date_raw IS NULL AND start_time_of_half_hr_period ~ '\d' THEN start_time_of_half_hr_period
                    ELSE out_turn_publishing_period_commencing_time END AS shown
        FROM forecast_read
    ) r;
    IF unread.failed * 2 > unread.total THEN
        RAISE EXCEPTION USING ERRCODE = 'data_exception', MESSAGE = format(
            '%s: %s of %s rows have a settlement date or outturn time that is not DD/MM/YYYY (HH:MM), first line %s: "%s"; a file in another date style is refused and the previous load kept',
            current_setting('pgpipe.source_file'), unread.failed, unread.total, unread.first_line, unread.first_value);
    END IF;
END
$$;

-- The row's half-hour in wall-clock time, and whether an earlier line holds the same text (Column1, a running
-- index that restarts every 144 rows, aside).
CREATE TEMP TABLE forecast_rows ON COMMIT DROP AS
SELECT f.*, s.period_start, wind.efa_of(s.period_start) AS efa_standard,
       -- The last line an identical row is on: of rows that differ for one half-hour, the latest wins.
       max(line) OVER (
           PARTITION BY record_type, start_time_of_half_hr_period, settlement_period,
                        initial_forecast_publishing_period_commencing_time, initial_forecast_spn_generation,
                        latest_forecast_publishing_period_commencing_time, latest_forecast_spn_generation,
                        out_turn_publishing_period_commencing_time, fuel_type_generation, active_flag, efa, unnamed_13) AS last_seen,
       row_number() OVER (
           PARTITION BY record_type, start_time_of_half_hr_period, settlement_period,
                        initial_forecast_publishing_period_commencing_time, initial_forecast_spn_generation,
                        latest_forecast_publishing_period_commencing_time, latest_forecast_spn_generation,
                        out_turn_publishing_period_commencing_time, fuel_type_generation, active_flag, efa, unnamed_13
           ORDER BY line) > 1 AS duplicate_row
FROM forecast_read f,
    LATERAL (SELECT (f.settlement_date::timestamp AT TIME ZONE 'Europe/London') + (f.period - 1) * interval '30 minutes' AS period_start) s;

-- Temporary tables are never analysed automatically; without statistics the planner loops.
ANALYZE forecast_rows;

-- Rows that are not exact duplicates and name a half-hour: the latest line of a half-hour is kept (a later
-- extract supersedes an earlier one), the others are conflicting duplicates.
CREATE TEMP TABLE forecast_keyed ON COMMIT DROP AS
SELECT f.*, row_number() OVER (PARTITION BY settlement_date, period ORDER BY line) > 1 AS conflicting,
       row_number() OVER (PARTITION BY settlement_date, period ORDER BY last_seen DESC, line) = 1 AS kept
FROM forecast_rows f
WHERE NOT duplicate_row AND settlement_date IS NOT NULL AND period IS NOT NULL;

-- For the half-hour before a gap (missing_period): one index entry per day with a gap.
CREATE INDEX ON forecast_keyed (settlement_date, period, line);
ANALYZE forecast_keyed;

-- Every value with the column name the file gives it.
CREATE TEMP TABLE forecast_values ON COMMIT DROP AS
SELECT r.line, v.key, v.value
FROM wind.forecast_raw r,
    LATERAL (VALUES
        ('Column1', column1), ('recordType', record_type), ('startTimeOfHalfHrPeriod', start_time_of_half_hr_period),
        ('settlementPeriod', settlement_period),
        ('initialForecastPublishingPeriodCommencingTime', initial_forecast_publishing_period_commencing_time),
        ('initialForecastSpnGeneration', initial_forecast_spn_generation),
        ('latestForecastPublishingPeriodCommencingTime', latest_forecast_publishing_period_commencing_time),
        ('latestForecastSpnGeneration', latest_forecast_spn_generation),
        ('outTurnPublishingPeriodCommencingTime', out_turn_publishing_period_commencing_time),
        ('fuelTypeGeneration', fuel_type_generation), ('activeFlag', active_flag), ('EFA', efa), ('unnamed_13', unnamed_13)
    ) AS v(key, value);

-- The three MW columns as numbers: NULL for a null spelling, garbage or an outlier. Below 0 or above the
-- whole UK's installed wind capacity at the end of 2021 (25.7 GW: 14.5 onshore, 11.2 offshore) a figure cannot
-- be GB wind generation. `WIND3651` is a number with the record type stuck to it: the digits are recovered.
CREATE TEMP TABLE forecast_numbers ON COMMIT DROP AS
SELECT line, key, value,
       value IN ('NULL', 'NaN', '') AS marker,
       value ~ '^[+-]?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})([eE][+-]?[0-9]{1,2})?$' AS is_number,
       CASE WHEN value ~ '^[+-]?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})([eE][+-]?[0-9]{1,2})?$' THEN value::numeric
            WHEN value ~ '^WIND[0-9]{1,6}$' THEN substr(value, 5)::numeric END AS number
FROM forecast_values
WHERE key IN ('initialForecastSpnGeneration', 'latestForecastSpnGeneration', 'fuelTypeGeneration');

ANALYZE forecast_values;
ANALYZE forecast_numbers;

-- Stage 2: the findings. A check that can fire on any row is listed even when it does not; a check keyed by
-- what it found (a spelling, a day, a value) only when it does.
CREATE TEMP TABLE forecast_findings (column_name text, check_name text, detail text, fires boolean, line integer, action text) ON COMMIT DROP;

INSERT INTO forecast_findings
SELECT key, 'null_marker', CASE value WHEN '' THEN 'empty' ELSE value END, true, line,
       CASE WHEN key IN ('initialForecastSpnGeneration', 'latestForecastSpnGeneration')
                THEN 'NULL; forecasts are hourly, so the half-hours between are interpolated'
            WHEN key = 'fuelTypeGeneration' THEN 'NULL; interpolated within 4 hours of measured values, else left NULL (not yet measured)'
            WHEN key = 'EFA' THEN 'the EFA is recomputed from the settlement period'
            ELSE 'NULL' END
FROM forecast_values WHERE key <> 'unnamed_13' AND value IN ('NULL', 'NaN', '');

INSERT INTO forecast_findings
SELECT key, 'unparsable_number', '', NOT (value IN ('NULL', 'NaN', '') OR value ~ '^[+-]?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})([eE][+-]?[0-9]{1,2})?$'), line,
       CASE WHEN key IN ('initialForecastSpnGeneration', 'latestForecastSpnGeneration', 'fuelTypeGeneration')
                THEN 'WIND<digits>: the digits are kept (method recovered); anything else NULL and interpolated'
            WHEN key = 'settlementPeriod' THEN 'the period is taken from the outturn time'
            WHEN key = 'EFA' THEN 'the EFA is recomputed from the settlement period'
            ELSE 'not used' END
FROM forecast_values
WHERE key IN ('Column1', 'settlementPeriod', 'initialForecastSpnGeneration', 'latestForecastSpnGeneration', 'fuelTypeGeneration', 'EFA');

INSERT INTO forecast_findings
SELECT key, 'unparsable_timestamp', '', value NOT IN ('NULL', 'NaN', '') AND parsed IS NULL, line, 'NULL'
FROM forecast_rows,
    LATERAL (VALUES
        ('startTimeOfHalfHrPeriod', start_time_of_half_hr_period, date_raw::timestamp),
        ('initialForecastPublishingPeriodCommencingTime', initial_forecast_publishing_period_commencing_time, initial_published),
        ('latestForecastPublishingPeriodCommencingTime', latest_forecast_publishing_period_commencing_time, latest_published),
        ('outTurnPublishingPeriodCommencingTime', out_turn_publishing_period_commencing_time, outturn_time)
    ) AS v(key, value, parsed);

INSERT INTO forecast_findings
SELECT key, 'outlier', '', coalesce(is_number AND (number < 0 OR number > 25700), false), line, 'NULL, then interpolated like a missing value'
FROM forecast_numbers;

INSERT INTO forecast_findings
SELECT 'settlementPeriod', 'invalid_settlement_period', '', period_raw IS NULL, line,
       'the period the outturn time proves is used'
FROM forecast_rows;

INSERT INTO forecast_findings
SELECT 'outTurnPublishingPeriodCommencingTime', 'time_mismatch', '', time_mismatch, line,
       'the outturn of the row cannot be placed: NULL, then interpolated; date and period as written'
FROM forecast_rows;

INSERT INTO forecast_findings
SELECT 'startTimeOfHalfHrPeriod', 'date_mismatch', '', proven AND date_raw IS NOT NULL AND outturn_day <> date_raw, line,
       'the date the outturn time proves is used'
FROM forecast_rows;

INSERT INTO forecast_findings
SELECT 'EFA', 'shifted_column', '', efa = '' AND unnamed_13 <> '', line, 'read from the 13th column, then checked like any EFA'
FROM forecast_rows;

INSERT INTO forecast_findings
SELECT 'EFA', 'invalid_efa', '', efa_found <> '' AND efa_found NOT IN ('1', '2', '3', '4', '5', '6'), line,
       'the EFA is recomputed from the settlement period'
FROM forecast_rows;

-- The file's EFA names the block the period ends in; the standard (and the orders') is the block it starts in.
INSERT INTO forecast_findings
SELECT 'EFA', 'efa_mismatch', '', settlement_date IS NOT NULL AND period IS NOT NULL
           AND CASE WHEN efa_found IN ('1', '2', '3', '4', '5', '6') THEN efa_found::int <> efa_standard ELSE false END, line,
       'the EFA is recomputed from the settlement period; the join uses the half-hour''s start'
FROM forecast_rows;

INSERT INTO forecast_findings
SELECT key, 'published_after_start', '', coalesce(published AT TIME ZONE 'Europe/London' > period_start, false), line,
       'kept: wind.half_hours shows it published after starts_at, not a forecast made before the half-hour'
FROM forecast_rows,
    LATERAL (VALUES
        ('initialForecastPublishingPeriodCommencingTime', initial_published), ('latestForecastPublishingPeriodCommencingTime', latest_published)
    ) AS v(key, published);

INSERT INTO forecast_findings
SELECT '*', 'duplicate_row', '', duplicate_row, line, 'collapsed into the earliest line (duplicate_lines)'
FROM forecast_rows;

INSERT INTO forecast_findings
SELECT '*', 'conflicting_duplicate', '', conflicting, line, 'the latest line of the half-hour is kept'
FROM forecast_keyed;

-- Half-hours absent from a settlement day between the first and the last day: the first line is the line of
-- the half-hour just before the first gap.
INSERT INTO forecast_findings
WITH days AS (
    SELECT d::date AS day FROM generate_series(
        (SELECT min(settlement_date) FROM forecast_keyed), (SELECT max(settlement_date) FROM forecast_keyed), interval '1 day') d
),
absent AS (
    SELECT day, p AS period FROM days, generate_series(1, wind.periods_in_day(day)) p
    WHERE NOT EXISTS (SELECT FROM forecast_keyed k WHERE k.settlement_date = day AND k.period = p)
),
first_gaps AS (
    -- One lookup per day with a gap, not per missing half-hour.
    SELECT day,
           (SELECT k.line FROM forecast_keyed k
            WHERE (k.settlement_date, k.period) < (g.day, g.period)
            ORDER BY k.settlement_date DESC, k.period DESC, k.line LIMIT 1) AS line
    FROM (SELECT day, min(period) AS period FROM absent GROUP BY day) g
)
SELECT 'settlementPeriod', 'missing_period', to_char(a.day, 'YYYY-MM-DD'), true, f.line,
       'a half-hour with no values: forecasts interpolated, the outturn left NULL (not yet measured)'
FROM absent a JOIN first_gaps f USING (day);

INSERT INTO forecast_findings
SELECT key, 'constant_column', value, true, line, 'not kept in wind.half_hours: it says nothing about a half-hour'
FROM forecast_values v
WHERE key IN (SELECT key FROM forecast_values GROUP BY key HAVING count(DISTINCT value) = 1);

INSERT INTO wind.quality (source, column_name, check_name, detail, rows, first_line, action)
SELECT 'forecast', column_name, check_name, detail, count(*) FILTER (WHERE fires), min(line) FILTER (WHERE fires), min(action)
FROM forecast_findings
GROUP BY column_name, check_name, detail
HAVING count(*) FILTER (WHERE fires) > 0 OR check_name NOT IN ('null_marker', 'missing_period', 'constant_column');

-- A delivery spans days, not years: a stray date far from the others would otherwise make a grid of years.
DO $$
DECLARE
    span record;
BEGIN
    SELECT min(settlement_date) AS first, max(settlement_date) AS last,
           (array_agg(line ORDER BY settlement_date, line))[1] AS first_line,
           (array_agg(line ORDER BY settlement_date DESC, line))[1] AS last_line
    INTO span FROM forecast_keyed;
    IF span.last - span.first > 366 THEN
        RAISE EXCEPTION USING ERRCODE = 'data_exception', MESSAGE = format(
            '%s: settlement days from %s (line %s) to %s (line %s): more than a year apart; a stray date? Correct the file or load its parts apart',
            current_setting('pgpipe.source_file'), span.first, span.first_line, span.last, span.last_line);
    END IF;
END
$$;

-- Stage 3: one row per half-hour from the first settlement day to the last, the kept line's values typed.
-- A value is NULL where the file has a null spelling, garbage or an outlier; *_raw keeps the file's text.
CREATE TEMP TABLE half_hour_grid ON COMMIT DROP AS
SELECT day::date AS settlement_date, p AS period,
       (day::timestamp AT TIME ZONE 'Europe/London') + (p - 1) * interval '30 minutes' AS starts_at
FROM generate_series((SELECT min(settlement_date) FROM forecast_keyed), (SELECT max(settlement_date) FROM forecast_keyed), interval '1 day') d(day),
    generate_series(1, wind.periods_in_day(d.day::date)) p;

ANALYZE half_hour_grid;

CREATE TEMP TABLE half_hour_values ON COMMIT DROP AS
SELECT g.starts_at, g.settlement_date::date AS settlement_date, g.period, k.line,
       (SELECT array_agg(x ORDER BY x) FROM unnest(lines.lines) x WHERE x <> k.line) AS duplicate_lines,
       k.initial_published AT TIME ZONE 'Europe/London' AS initial_published,
       k.latest_published AT TIME ZONE 'Europe/London' AS latest_published,
       CASE WHEN NOT k.time_mismatch THEN k.outturn_time AT TIME ZONE 'Europe/London' END AS outturn_published,
       k.initial_forecast_spn_generation AS initial_raw, k.latest_forecast_spn_generation AS latest_raw,
       k.fuel_type_generation AS outturn_raw,
       i.number AS initial_number, i.is_number AS initial_as_written,
       l.number AS latest_number, l.is_number AS latest_as_written,
       CASE WHEN NOT k.time_mismatch THEN o.number END AS outturn_number, o.is_number AS outturn_as_written
FROM half_hour_grid g
LEFT JOIN forecast_keyed k ON k.kept AND k.settlement_date = g.settlement_date AND k.period = g.period
LEFT JOIN (SELECT settlement_date, period, array_agg(line) AS lines FROM forecast_rows GROUP BY settlement_date, period) lines
    ON lines.settlement_date = g.settlement_date AND lines.period = g.period
LEFT JOIN forecast_numbers i ON i.line = k.line AND i.key = 'initialForecastSpnGeneration' AND i.number BETWEEN 0 AND 25700
LEFT JOIN forecast_numbers l ON l.line = k.line AND l.key = 'latestForecastSpnGeneration' AND l.number BETWEEN 0 AND 25700
LEFT JOIN forecast_numbers o ON o.line = k.line AND o.key = 'fuelTypeGeneration' AND o.number BETWEEN 0 AND 25700;

-- Imputation: a missing value is interpolated linearly in time between the nearest known values before and
-- after it, when they are at most 4 hours apart; never extrapolated. The forecasts are hourly point values,
-- so the half-hour between two is their mean; a longer gap of outturn (a weather front moves GB wind by GW in
-- hours) stays NULL. An interpolated forecast counts as published when the later of its two anchors was.
-- Groups of rows sharing the last known value before them (a running count of values) find it without
-- IGNORE NULLS, which PostgreSQL lacks.
ANALYZE half_hour_values;

CREATE TEMP TABLE half_hour_anchors ON COMMIT DROP AS
SELECT v.*,
       count(initial_number) OVER w_up AS i_up, count(initial_number) OVER w_down AS i_down,
       count(latest_number) OVER w_up AS l_up, count(latest_number) OVER w_down AS l_down,
       count(outturn_number) OVER w_up AS o_up, count(outturn_number) OVER w_down AS o_down
FROM half_hour_values v
WINDOW w_up AS (ORDER BY starts_at), w_down AS (ORDER BY starts_at DESC);

ANALYZE half_hour_anchors;

CREATE TEMP TABLE half_hour_imputed ON COMMIT DROP AS
SELECT a.starts_at,
       wind.interpolate(a.starts_at, ib.starts_at, ib.initial_number, ia.starts_at, ia.initial_number) AS initial_interpolated,
       greatest(ib.initial_published, ia.initial_published) AS initial_published,
       wind.interpolate(a.starts_at, lb.starts_at, lb.latest_number, la.starts_at, la.latest_number) AS latest_interpolated,
       greatest(lb.latest_published, la.latest_published) AS latest_published,
       wind.interpolate(a.starts_at, ob.starts_at, ob.outturn_number, oa.starts_at, oa.outturn_number) AS outturn_interpolated
FROM half_hour_anchors a
LEFT JOIN half_hour_anchors ib ON a.initial_number IS NULL AND ib.initial_number IS NOT NULL AND ib.i_up = a.i_up
LEFT JOIN half_hour_anchors ia ON a.initial_number IS NULL AND ia.initial_number IS NOT NULL AND ia.i_down = a.i_down
LEFT JOIN half_hour_anchors lb ON a.latest_number IS NULL AND lb.latest_number IS NOT NULL AND lb.l_up = a.l_up
LEFT JOIN half_hour_anchors la ON a.latest_number IS NULL AND la.latest_number IS NOT NULL AND la.l_down = a.l_down
LEFT JOIN half_hour_anchors ob ON a.outturn_number IS NULL AND ob.outturn_number IS NOT NULL AND ob.o_up = a.o_up
LEFT JOIN half_hour_anchors oa ON a.outturn_number IS NULL AND oa.outturn_number IS NOT NULL AND oa.o_down = a.o_down;

INSERT INTO wind.half_hours (
    starts_at, settlement_date, settlement_period, efa,
    initial_forecast_published_at, initial_forecast_mw, initial_forecast_method, initial_forecast_raw,
    latest_forecast_published_at, latest_forecast_mw, latest_forecast_method, latest_forecast_raw,
    outturn_published_at, outturn_mw, outturn_method, outturn_raw, source_line, duplicate_lines)
SELECT v.starts_at, v.settlement_date, v.period,
       wind.efa_of(v.starts_at),
       CASE WHEN v.initial_number IS NOT NULL THEN v.initial_published ELSE m.initial_published END,
       coalesce(v.initial_number, m.initial_interpolated),
       CASE WHEN v.initial_number IS NOT NULL AND NOT v.initial_as_written THEN 'recovered'
            WHEN v.initial_number IS NULL AND m.initial_interpolated IS NOT NULL THEN 'interpolated' END,
       v.initial_raw,
       CASE WHEN v.latest_number IS NOT NULL THEN v.latest_published ELSE m.latest_published END,
       coalesce(v.latest_number, m.latest_interpolated),
       CASE WHEN v.latest_number IS NOT NULL AND NOT v.latest_as_written THEN 'recovered'
            WHEN v.latest_number IS NULL AND m.latest_interpolated IS NOT NULL THEN 'interpolated' END,
       v.latest_raw,
       v.outturn_published,
       coalesce(v.outturn_number, m.outturn_interpolated),
       CASE WHEN v.outturn_number IS NOT NULL AND NOT v.outturn_as_written THEN 'recovered'
            WHEN v.outturn_number IS NULL AND m.outturn_interpolated IS NOT NULL THEN 'interpolated' END,
       v.outturn_raw, v.line, coalesce(v.duplicate_lines, '{}')
FROM half_hour_values v JOIN half_hour_imputed m USING (starts_at);
