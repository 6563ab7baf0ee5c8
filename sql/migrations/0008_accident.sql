-- UK road accidents (DfT STATS19 2016 sample) combined from three CSV exports and a legacy SQLite database.
CREATE SCHEMA accident;
COMMENT ON SCHEMA accident IS 'Road accidents combined from cond.csv, police.csv, response.csv and the legacy de.db, with the DfT code lookups and the reconciliation of the sources.';

CREATE TABLE accident.police_force (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.police_force IS 'DfT lookup from lookups/Police_Force.csv: Police force that attended or recorded the accident.';
CREATE TABLE accident.officer_attended (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.officer_attended IS 'DfT lookup from lookups/Police_Officer_Attend.csv: Whether a police officer attended the scene.';
CREATE TABLE accident.light_conditions (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.light_conditions IS 'DfT lookup from lookups/Light_Conditions.csv: Light conditions.';
CREATE TABLE accident.weather_conditions (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.weather_conditions IS 'DfT lookup from lookups/Weather.csv: Weather conditions.';
CREATE TABLE accident.road_surface_conditions (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.road_surface_conditions IS 'DfT lookup from lookups/Road_Surface.csv: Road surface conditions.';
CREATE TABLE accident.special_conditions_at_site (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.special_conditions_at_site IS 'DfT lookup from lookups/Special_Conditions_at_Site.csv: Special conditions at the site.';
CREATE TABLE accident.carriageway_hazards (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.carriageway_hazards IS 'DfT lookup from lookups/Carriageway_Hazards.csv: Carriageway hazards.';
CREATE TABLE accident.urban_or_rural_area (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.urban_or_rural_area IS 'DfT lookup from lookups/Urban_Rural.csv: Urban or rural area.';
CREATE TABLE accident.severity (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.severity IS 'DfT lookup from lookups/Accident_Severity.csv: Accident severity: 1 fatal, 2 serious, 3 slight.';

-- Lookups for columns of the full STATS19 file that this sample's sources do not carry: loaded so the
-- codes can be read, referenced by nothing yet.
CREATE TABLE accident.day_of_week (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.day_of_week IS 'DfT lookup from lookups/Day_of_Week.csv: Day of the week. Not referenced: the sample has no such column.';
CREATE TABLE accident.junction_control (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.junction_control IS 'DfT lookup from lookups/Junction_Control.csv: Junction control. Not referenced: the sample has no such column.';
CREATE TABLE accident.junction_detail (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.junction_detail IS 'DfT lookup from lookups/Junction_Detail.csv: Junction detail. Not referenced: the sample has no such column.';
CREATE TABLE accident.local_authority_district (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.local_authority_district IS 'DfT lookup from lookups/Local_Authority_District.csv: Local authority (district). Not referenced: the sample has no such column.';
CREATE TABLE accident.ped_cross_human (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.ped_cross_human IS 'DfT lookup from lookups/Ped_Cross_Human.csv: Pedestrian crossing: human control. Not referenced: the sample has no such column.';
CREATE TABLE accident.ped_cross_physical (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.ped_cross_physical IS 'DfT lookup from lookups/Ped_Cross_Physical.csv: Pedestrian crossing: physical facilities. Not referenced: the sample has no such column.';
CREATE TABLE accident.road_class (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.road_class IS 'DfT lookup from lookups/Road_Class.csv: Road class. Not referenced: the sample has no such column.';
CREATE TABLE accident.road_type (
    code smallint PRIMARY KEY,
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.road_type IS 'DfT lookup from lookups/Road_Type.csv: Road type. Not referenced: the sample has no such column.';
CREATE TABLE accident.local_authority_highway (
    code text PRIMARY KEY CHECK (code <> ''),
    label text NOT NULL CHECK (label <> ''),
    source_line integer NOT NULL
);
COMMENT ON TABLE accident.local_authority_highway IS 'DfT lookup from lookups/Local_Authority_Highway.csv (ONS codes such as S12000033). Not referenced: the sample has no such column.';

CREATE TABLE accident.accidents (
    accident_index text PRIMARY KEY CHECK (accident_index <> ''),
    police_force smallint REFERENCES accident.police_force,
    officer_attended smallint REFERENCES accident.officer_attended,
    light_conditions smallint REFERENCES accident.light_conditions,
    weather_conditions smallint REFERENCES accident.weather_conditions,
    road_surface_conditions smallint REFERENCES accident.road_surface_conditions,
    special_conditions_at_site smallint REFERENCES accident.special_conditions_at_site,
    carriageway_hazards smallint REFERENCES accident.carriageway_hazards,
    urban_or_rural_area smallint REFERENCES accident.urban_or_rural_area,
    severity smallint REFERENCES accident.severity,
    sources text[] NOT NULL,
    coded_missing text[] NOT NULL
);
COMMENT ON TABLE accident.accidents IS 'One row per accident index found in any source; coded attributes reference the DfT lookups. NULL where the code is -1 (missing or out of range) or no source has a value; accident.reconciliation says which.';
COMMENT ON COLUMN accident.accidents.accident_index IS 'DfT accident index, text: a third are not numeric (201601BS70001), and de.db stores some as INTEGER.';
COMMENT ON COLUMN accident.accidents.sources IS 'The sources that list the accident: cond.csv, police.csv, response.csv, de.db:police, de.db:response.';
COMMENT ON COLUMN accident.accidents.coded_missing IS 'The fields left NULL because a source recorded them as -1 (missing or out of range), as opposed to no source having them.';
COMMENT ON COLUMN accident.accidents.police_force IS 'From police.csv, else de.db police (by default; see accident.reconciliation).';
COMMENT ON COLUMN accident.accidents.officer_attended IS 'From police.csv, else de.db police.';
COMMENT ON COLUMN accident.accidents.severity IS 'From response.csv, else de.db response.';

CREATE TABLE accident.reconciliation (
    accident_index text NOT NULL,
    field text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('disagreement', 'null_in_csv', 'null_in_database', 'conflicting_duplicates',
                                       'duplicate_key', 'missing_in_csv', 'missing_in_database')),
    csv_value text,
    database_value text,
    resolved_value text,
    resolution text NOT NULL,
    PRIMARY KEY (accident_index, field)
);
COMMENT ON TABLE accident.reconciliation IS 'Every place the sources do not simply agree: a value that differs, a NULL on one side, a key listed twice, a key one source lacks. One row per accident and field, with what was kept and why.';
COMMENT ON COLUMN accident.reconciliation.csv_value IS 'The CSV export''s value(s) as written (-1 included); several are joined with /; NULL when the source lacks the key.';
COMMENT ON COLUMN accident.reconciliation.database_value IS 'The legacy database''s value(s) as text, joined with / when the key is listed more than once.';
COMMENT ON COLUMN accident.reconciliation.resolved_value IS 'The value accident.accidents holds.';
