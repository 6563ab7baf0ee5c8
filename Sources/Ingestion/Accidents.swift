import Validation

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

/// The accident sources; sql/transforms/accidents/ stages and combines them.
enum Accidents {
    static let lookupTables = [
        "police_force", "officer_attended", "light_conditions", "weather_conditions", "road_surface_conditions",
        "special_conditions_at_site", "carriageway_hazards", "urban_or_rural_area", "severity",
        "day_of_week", "junction_control", "junction_detail", "local_authority_district", "ped_cross_human",
        "ped_cross_physical", "road_class", "road_type", "local_authority_highway",
    ]

    static let lookups: [DatasetInput] = [
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
        lookup("local_authority_highway", file: "Local_Authority_Highway.csv", columns: [Column("Code", .text, maxBytes: Column.indexedTextLimit), Column("Label", .text)]),
    ]

    static func lookup(
        _ table: String, file: String,
        columns: [Column] = [Column("code", .integer(-1...Int(Int16.max))), Column("label", .text)]
    ) -> DatasetInput {
        DatasetInput(
            name: "lookup_\(table)", defaultFile: "accidents/lookups/\(file)", format: .csvWithHeader,
            columns: columns, uniqueKeys: [[columns[0].name]], copyTable: ("accident", table),
            copyColumns: ["code", "label", "source_line"], before: [], after: [])
    }

    /// A DfT code: any code but -1 must be in the lookup table. -1 (missing or out of range) is staged as
    /// written, so the reconciliation can show it; the combining SQL reads it as no value.
    static func code(_ name: String, _ table: String) -> Column {
        Column(name, .reference(Reference(noun: "\(table) code", query: "accidents/code_keys.sql", variables: ["table": table])),
               nullable: true)
    }

    static let key = Column("Accident_Index", .text, maxBytes: Column.indexedTextLimit)
    static let databaseKey = Column("acc_i", .text, maxBytes: Column.indexedTextLimit)

    /// One source: its input, staged into the temporary table `<name>_stage` (sql/transforms/accidents/stage.sql
    /// creates them all before the first source); `after` runs once it is staged.
    static func source(
        _ name: String, file: String, format: SourceFormat, key: Column, codes: [(column: String, field: String)],
        before: [LoadScript] = [], after: [LoadScript] = []
    ) -> DatasetInput {
        DatasetInput(
            name: name, defaultFile: file, format: format, columns: [key] + codes.map { code($0.column, $0.field) },
            uniqueKeys: [], copyTable: ("pg_temp", "\(name)_stage"),
            copyColumns: ["accident_index"] + codes.map(\.field) + ["source_line"], before: before, after: after)
    }

    static let sources: [DatasetInput] = [
        source("cond", file: "accidents/cond.csv", format: .csvWithHeader, key: key, codes: [
            ("Light_Conditions", "light_conditions"), ("Weather_Conditions", "weather_conditions"),
            ("Road_Surface_Conditions", "road_surface_conditions"), ("Special_Conditions_at_Site", "special_conditions_at_site"),
            ("Carriageway_Hazards", "carriageway_hazards"), ("Urban_or_Rural_Area", "urban_or_rural_area"),
        ], before: [.transform("accidents/stage.sql")]),
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
        ], after: [.transform("accidents/combine.sql")]),
    ]
}
