-- The severity model's 20 coefficients that matter most (latest version): per input value, the log-odds weight for each severity and their spread (largest minus smallest), largest spread first.
WITH latest AS (
    SELECT definition FROM ml.models WHERE name = 'accident_severity_logistic' ORDER BY version DESC LIMIT 1
),
labels (attribute, code, label) AS (
    SELECT 'police_force', code, label FROM accident.police_force
    UNION ALL SELECT 'officer_attended', code, label FROM accident.officer_attended
    UNION ALL SELECT 'light_conditions', code, label FROM accident.light_conditions
    UNION ALL SELECT 'weather_conditions', code, label FROM accident.weather_conditions
    UNION ALL SELECT 'road_surface_conditions', code, label FROM accident.road_surface_conditions
    UNION ALL SELECT 'special_conditions_at_site', code, label FROM accident.special_conditions_at_site
    UNION ALL SELECT 'carriageway_hazards', code, label FROM accident.carriageway_hazards
    UNION ALL SELECT 'urban_or_rural_area', code, label FROM accident.urban_or_rural_area
),
weights AS (
    SELECT split_part(f.feature, '=', 1) AS attribute,
           split_part(f.feature, '=', 2) AS value,
           (m.definition -> 'coefficients' -> 0 ->> (f.position - 1)::int)::float8 AS fatal,
           (m.definition -> 'coefficients' -> 1 ->> (f.position - 1)::int)::float8 AS serious,
           (m.definition -> 'coefficients' -> 2 ->> (f.position - 1)::int)::float8 AS slight
    FROM latest m
    CROSS JOIN LATERAL json_array_elements_text(m.definition -> 'features') WITH ORDINALITY AS f (feature, position)
)
SELECT w.attribute,
       w.value AS code,
       coalesce(l.label, w.value) AS label,
       round(w.fatal::numeric, 6) AS fatal,
       round(w.serious::numeric, 6) AS serious,
       round(w.slight::numeric, 6) AS slight,
       round((greatest(w.fatal, w.serious, w.slight) - least(w.fatal, w.serious, w.slight))::numeric, 6) AS spread
FROM weights w
LEFT JOIN labels l ON l.attribute = w.attribute AND l.code::text = w.value
ORDER BY spread DESC, w.attribute, w.value
LIMIT 20;
