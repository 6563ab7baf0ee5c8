-- Every accident with a severity, with the attributes the severity model is trained on, in key order.
SELECT accident_index, severity, police_force, officer_attended, light_conditions, weather_conditions,
       road_surface_conditions, special_conditions_at_site, carriageway_hazards, urban_or_rural_area
FROM accident.accidents
WHERE severity IS NOT NULL
ORDER BY accident_index
