-- Combines the staged accident sources. Every (accident, field) is compared across the sources that should
-- hold it; the value kept is the preferred side's single value (the CSV export, unless the load's setting
-- pgpipe.prefer is 'database'), else the other side's; a side listing several values never decides.
-- Whatever is not plain agreement becomes a reconciliation row saying what was kept and why.

CREATE TEMP TABLE source_values ON COMMIT DROP AS
SELECT accident_index, 'police_force'::text AS field, 'csv'::text AS side, police_force AS value FROM police_csv_stage
UNION ALL SELECT accident_index, 'officer_attended', 'csv', officer_attended FROM police_csv_stage
UNION ALL SELECT accident_index, 'severity', 'csv', severity FROM response_csv_stage
UNION ALL SELECT accident_index, 'police_force', 'database', police_force FROM police_db_stage
UNION ALL SELECT accident_index, 'officer_attended', 'database', officer_attended FROM police_db_stage
UNION ALL SELECT accident_index, 'severity', 'database', severity FROM response_db_stage
UNION ALL SELECT accident_index, f.field, 'csv', f.value FROM cond_stage,
    LATERAL (VALUES ('light_conditions', light_conditions), ('weather_conditions', weather_conditions),
                    ('road_surface_conditions', road_surface_conditions),
                    ('special_conditions_at_site', special_conditions_at_site),
                    ('carriageway_hazards', carriageway_hazards), ('urban_or_rural_area', urban_or_rural_area)) f(field, value);

CREATE TEMP TABLE source_keys ON COMMIT DROP AS
SELECT accident_index, 'cond.csv' AS source FROM cond_stage
UNION SELECT accident_index, 'police.csv' FROM police_csv_stage
UNION SELECT accident_index, 'response.csv' FROM response_csv_stage
UNION SELECT accident_index, 'de.db:police' FROM police_db_stage
UNION SELECT accident_index, 'de.db:response' FROM response_db_stage;
-- Temporary tables are never analysed automatically; without statistics the planner loops.
ANALYZE source_values;
ANALYZE source_keys;

CREATE TEMP TABLE compared ON COMMIT DROP AS
WITH fields (field, in_database) AS (
    VALUES ('police_force', true), ('officer_attended', true), ('severity', true),
           ('light_conditions', false), ('weather_conditions', false), ('road_surface_conditions', false),
           ('special_conditions_at_site', false), ('carriageway_hazards', false), ('urban_or_rural_area', false)
),
per_field AS (
    -- A code of -1 counts as no value; the shown values keep it as written.
    SELECT accident_index, field,
           count(*) FILTER (WHERE side = 'csv') AS csv_rows,
           count(DISTINCT nullif(value, '-1')) FILTER (WHERE side = 'csv') AS csv_values,
           count(*) FILTER (WHERE side = 'csv' AND nullif(value, '-1') IS NULL) AS csv_nulls,
           min(nullif(value, '-1')) FILTER (WHERE side = 'csv') AS csv_value,
           string_agg(coalesce(value, 'NULL'), '/' ORDER BY value) FILTER (WHERE side = 'csv') AS csv_shown,
           count(*) FILTER (WHERE side = 'database') AS db_rows,
           count(DISTINCT nullif(value, '-1')) FILTER (WHERE side = 'database') AS db_values,
           count(*) FILTER (WHERE side = 'database' AND nullif(value, '-1') IS NULL) AS db_nulls,
           min(nullif(value, '-1')) FILTER (WHERE side = 'database') AS db_value,
           string_agg(coalesce(value, 'NULL'), '/' ORDER BY value) FILTER (WHERE side = 'database') AS db_shown,
           bool_or(value = '-1') AS coded_missing
    FROM source_values
    GROUP BY accident_index, field
),
sides AS (
    -- Every accident with every field, so a field no source gives shows as missing.
    SELECT k.accident_index, f.field, f.in_database,
           coalesce(p.csv_rows, 0) AS csv_rows, coalesce(p.csv_values, 0) AS csv_values,
           coalesce(p.csv_nulls, 0) AS csv_nulls, p.csv_value, p.csv_shown,
           coalesce(p.db_rows, 0) AS db_rows, coalesce(p.db_values, 0) AS db_values,
           coalesce(p.db_nulls, 0) AS db_nulls, p.db_value, p.db_shown, coalesce(p.coded_missing, false) AS coded_missing
    FROM (SELECT DISTINCT accident_index FROM source_keys) k
    CROSS JOIN fields f
    LEFT JOIN per_field p ON p.accident_index = k.accident_index AND p.field = f.field
),
decided AS (
    SELECT *,
           -- A side decides only with exactly one value and no NULL beside it.
           CASE WHEN csv_values = 1 AND csv_nulls = 0 THEN csv_value END AS csv_single,
           CASE WHEN db_values = 1 AND db_nulls = 0 THEN db_value END AS db_single,
           coalesce(nullif(current_setting('pgpipe.prefer', true), ''), 'csv') AS preferred
    FROM sides
)
SELECT *,
       CASE WHEN preferred = 'database' THEN coalesce(db_single, csv_single) ELSE coalesce(csv_single, db_single) END
           AS resolved,
       CASE
           WHEN csv_rows = 0 THEN 'missing_in_csv'
           WHEN in_database AND db_rows = 0 THEN 'missing_in_database'
           WHEN csv_values > 1 OR db_values > 1 OR (csv_rows > 1 AND csv_nulls BETWEEN 1 AND csv_rows - 1)
                OR (db_rows > 1 AND db_nulls BETWEEN 1 AND db_rows - 1) THEN 'conflicting_duplicates'
           WHEN csv_rows > 1 OR db_rows > 1 THEN 'duplicate_key'
           WHEN NOT in_database THEN NULL
           WHEN csv_single IS NULL AND db_single IS NOT NULL THEN 'null_in_csv'
           WHEN db_single IS NULL AND csv_single IS NOT NULL THEN 'null_in_database'
           WHEN csv_single <> db_single THEN 'disagreement'
       END AS kind
FROM decided;

INSERT INTO accident.reconciliation
SELECT accident_index, field, kind, csv_shown, db_shown, resolved,
       CASE
           WHEN resolved IS NULL THEN 'left NULL: no source gives a single value'
           WHEN resolved = csv_single AND resolved = db_single THEN 'kept the value both give'
           WHEN resolved = csv_single AND db_single IS NOT NULL THEN 'kept the CSV value (' || preferred || ' takes precedence)'
           WHEN resolved = db_single AND csv_single IS NOT NULL THEN 'kept the database value (' || preferred || ' takes precedence)'
           WHEN resolved = csv_single THEN 'kept the CSV value: the database gives no single value'
           ELSE 'kept the database value: the CSV export gives no single value'
       END
FROM compared
WHERE kind IS NOT NULL
ORDER BY accident_index, field;

INSERT INTO accident.accidents
SELECT c.accident_index,
       max(resolved) FILTER (WHERE field = 'police_force')::smallint,
       max(resolved) FILTER (WHERE field = 'officer_attended')::smallint,
       max(resolved) FILTER (WHERE field = 'light_conditions')::smallint,
       max(resolved) FILTER (WHERE field = 'weather_conditions')::smallint,
       max(resolved) FILTER (WHERE field = 'road_surface_conditions')::smallint,
       max(resolved) FILTER (WHERE field = 'special_conditions_at_site')::smallint,
       max(resolved) FILTER (WHERE field = 'carriageway_hazards')::smallint,
       max(resolved) FILTER (WHERE field = 'urban_or_rural_area')::smallint,
       max(resolved) FILTER (WHERE field = 'severity')::smallint,
       s.sources,
       coalesce(array_agg(field ORDER BY field) FILTER (WHERE resolved IS NULL AND coded_missing), '{}')
FROM compared c
JOIN (SELECT accident_index, array_agg(source ORDER BY source) AS sources FROM source_keys GROUP BY 1) s USING (accident_index)
GROUP BY c.accident_index, s.sources
ORDER BY c.accident_index;
