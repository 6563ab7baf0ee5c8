-- Each model input's distribution by severity: per attribute and value (missing: NULL, the DfT's -1 or no source), the accidents of known severity and the share that were fatal, serious and slight.
WITH labels (attribute, code, label) AS (
    SELECT 'police_force', code, label FROM accident.police_force
    UNION ALL SELECT 'officer_attended', code, label FROM accident.officer_attended
    UNION ALL SELECT 'light_conditions', code, label FROM accident.light_conditions
    UNION ALL SELECT 'weather_conditions', code, label FROM accident.weather_conditions
    UNION ALL SELECT 'road_surface_conditions', code, label FROM accident.road_surface_conditions
    UNION ALL SELECT 'special_conditions_at_site', code, label FROM accident.special_conditions_at_site
    UNION ALL SELECT 'carriageway_hazards', code, label FROM accident.carriageway_hazards
    UNION ALL SELECT 'urban_or_rural_area', code, label FROM accident.urban_or_rural_area
),
values_ AS (
    SELECT f.attribute, f.code, a.severity
    FROM accident.accidents a
    CROSS JOIN LATERAL (VALUES
        ('police_force', a.police_force), ('officer_attended', a.officer_attended),
        ('light_conditions', a.light_conditions), ('weather_conditions', a.weather_conditions),
        ('road_surface_conditions', a.road_surface_conditions),
        ('special_conditions_at_site', a.special_conditions_at_site),
        ('carriageway_hazards', a.carriageway_hazards), ('urban_or_rural_area', a.urban_or_rural_area)
    ) AS f (attribute, code)
    WHERE a.severity IS NOT NULL
)
SELECT v.attribute,
       v.code,
       coalesce(l.label, 'missing') AS label,
       count(*) AS accidents,
       round(count(*)::numeric / sum(count(*)) OVER (PARTITION BY v.attribute), 6) AS share_of_accidents,
       round(avg((v.severity = 1)::int), 6) AS fatal_share,
       round(avg((v.severity = 2)::int), 6) AS serious_share,
       round(avg((v.severity = 3)::int), 6) AS slight_share
FROM values_ v
LEFT JOIN labels l ON l.attribute = v.attribute AND l.code = v.code
GROUP BY v.attribute, v.code, l.label
ORDER BY v.attribute, v.code NULLS LAST;
