extension Dataset {
    /// UK road accidents from several legacy systems: the DfT lookups, three CSV exports keyed by
    /// Accident_Index and a SQLite database (tables police and response) keyed by acc_i. Each source is
    /// validated into a staging table; the last step combines them into accident.accidents and writes every
    /// difference between the sources to accident.reconciliation.
    public static let accidents = Dataset(
        name: "accidents",
        summary: "UK road accidents: lookups, cond/police/response CSV and the legacy de.db, reconciled",
        inputs: Accidents.lookups + Accidents.sources,
        // Predictions and metrics describe the replaced accidents, so they go too, until the model is trained again.
        replacement: .everything(tables: ["accident.model_metrics", "accident.predictions", "accident.reconciliation", "accident.accidents"] + Accidents.lookupTables.map { "accident.\($0)" }))
}

/// The accident sources and the SQL that combines them.
enum Accidents {
    static let lookupTables = [
        "police_force", "officer_attended", "light_conditions", "weather_conditions", "road_surface_conditions",
        "special_conditions_at_site", "carriageway_hazards", "urban_or_rural_area", "severity",
        "day_of_week", "junction_control", "junction_detail", "local_authority_district", "ped_cross_human",
        "ped_cross_physical", "road_class", "road_type", "local_authority_highway",
    ]

    static let lookups: [Input] = [
        lookup("police_force", file: "Police_Force.csv"),
        lookup("officer_attended", file: "Police_Officer_Attend.csv"),
        lookup("light_conditions", file: "Light_Conditions.csv"),
        lookup("weather_conditions", file: "Weather.csv"),
        lookup("road_surface_conditions", file: "Road_Surface.csv"),
        lookup("special_conditions_at_site", file: "Special_Conditions_at_Site.csv"),
        lookup("carriageway_hazards", file: "Carriageway_Hazards.csv"),
        lookup("urban_or_rural_area", file: "Urban_Rural.csv"),
        lookup("severity", file: "Accident_Severity.csv"),
        // Lookups for columns the full STATS19 file has and this sample does not: loaded, not referenced.
        lookup("day_of_week", file: "Day_of_Week.csv"),
        lookup("junction_control", file: "Junction_Control.csv"),
        lookup("junction_detail", file: "Junction_Detail.csv"),
        lookup("local_authority_district", file: "Local_Authority_District.csv"),
        lookup("ped_cross_human", file: "Ped_Cross_Human.csv"),
        lookup("ped_cross_physical", file: "Ped_Cross_Physical.csv"),
        lookup("road_class", file: "Road_Class.csv"),
        lookup("road_type", file: "Road_Type.csv"),
        // ONS codes (S12000033) under a capitalised header.
        lookup("local_authority_highway", file: "Local_Authority_Highway.csv", columns: [Column("Code", .text), Column("Label", .text)]),
    ]

    static func lookup(
        _ table: String, file: String,
        columns: [Column] = [Column("code", .integer(-1...Int(Int16.max))), Column("label", .text)]
    ) -> Input {
        Input(
            name: "lookup_\(table)", defaultFile: "accidents/lookups/\(file)", format: .csvWithHeader,
            columns: columns, uniqueKey: [columns[0].name], copyTable: "accident.\(table)",
            copyColumns: ["code", "label", "source_line"], before: nil, after: nil)
    }

    /// A DfT code: any code but -1 must be in the lookup table. -1 (missing or out of range) is staged as
    /// written, so the reconciliation can show it; the combining SQL reads it as no value.
    static func code(_ name: String, _ table: String) -> Column {
        Column(name, .reference(Reference(
            noun: "\(table) code",
            query: """
                SELECT code::text, code::text, label FROM accident.\(table)
                UNION ALL SELECT '-1', '-1', 'missing or out of range' WHERE NOT EXISTS (SELECT FROM accident.\(table) WHERE code = -1)
                """)), nullable: true)
    }

    static let key = Column("Accident_Index", .text)
    static let databaseKey = Column("acc_i", .text)

    /// One source: its input, staged into a temporary table named `<name>_stage`; `after` runs once it is.
    static func source(
        _ name: String, file: String, format: SourceFormat, key: Column, codes: [(column: String, field: String)],
        after: String? = nil
    ) -> Input {
        let columns = [key] + codes.map { code($0.column, $0.field) }
        let staged = ["accident_index"] + codes.map(\.field)
        return Input(
            name: name, defaultFile: file, format: format, columns: columns, uniqueKey: [],
            copyTable: "pg_temp.\(name)_stage", copyColumns: staged + ["source_line"],
            before: "CREATE TEMP TABLE \(name)_stage (" + staged.map { "\($0) text, " }.joined() + "source_line bigint) ON COMMIT DROP",
            after: after)
    }

    static let sources: [Input] = [
        source("cond", file: "accidents/cond.csv", format: .csvWithHeader, key: key, codes: [
            ("Light_Conditions", "light_conditions"), ("Weather_Conditions", "weather_conditions"),
            ("Road_Surface_Conditions", "road_surface_conditions"), ("Special_Conditions_at_Site", "special_conditions_at_site"),
            ("Carriageway_Hazards", "carriageway_hazards"), ("Urban_or_Rural_Area", "urban_or_rural_area"),
        ]),
        source("police_csv", file: "accidents/police.csv", format: .csvWithHeader, key: key, codes: [
            ("Police_Force", "police_force"), ("Did_Police_Officer_Attend_Scene_of_Accident", "officer_attended"),
        ]),
        source("response_csv", file: "accidents/response.csv", format: .csvWithHeader, key: key, codes: [
            ("Accident_Severity", "severity"),
        ]),
        source("police_db", file: "accidents/de.db", format: .sqlite(table: "police"), key: databaseKey, codes: [
            ("police_force", "police_force"), ("did_police_officer_attend_scene_of_accident", "officer_attended"),
        ]),
        // The last source combines everything once it is staged.
        source("response_db", file: "accidents/de.db", format: .sqlite(table: "response"), key: databaseKey, codes: [
            ("accident_severity", "severity"),
        ], after: combine),
    ]

    /// Fields held by two sources (CSV export and legacy database) and fields only the CSV export holds.
    static let comparedFields = ["police_force", "officer_attended", "severity"]
    static let csvOnlyFields = [
        "light_conditions", "weather_conditions", "road_surface_conditions", "special_conditions_at_site",
        "carriageway_hazards", "urban_or_rural_area",
    ]

    /// Combines the staged sources. Every (accident, field) is compared across the sources that should hold
    /// it; the value kept is the preferred side's single value (the CSV export, unless the load's setting
    /// `pgpipe.prefer` is 'database'), else the other side's; a side listing several values never decides.
    /// Whatever is not plain agreement becomes a reconciliation row saying what was kept and why.
    static let combine = """
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
        ORDER BY c.accident_index
        """

}
