-- Each accident source as read: the key and its DfT codes as text, before the sources are combined.
CREATE TEMP TABLE cond_stage (
    accident_index text, light_conditions text, weather_conditions text, road_surface_conditions text,
    special_conditions_at_site text, carriageway_hazards text, urban_or_rural_area text, source_line bigint
) ON COMMIT DROP;
CREATE TEMP TABLE police_csv_stage (accident_index text, police_force text, officer_attended text, source_line bigint) ON COMMIT DROP;
CREATE TEMP TABLE response_csv_stage (accident_index text, severity text, source_line bigint) ON COMMIT DROP;
CREATE TEMP TABLE police_db_stage (accident_index text, police_force text, officer_attended text, source_line bigint) ON COMMIT DROP;
CREATE TEMP TABLE response_db_stage (accident_index text, severity text, source_line bigint) ON COMMIT DROP;
