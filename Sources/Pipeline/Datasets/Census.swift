extension Dataset {
    /// US census income records (KDD), one file per daily batch: 42 fields without a header, in the order of
    /// the attribute list at the end of census_income_metadata.txt. Each load replaces one batch date.
    public static let census = Dataset(
        name: "census",
        summary: "US census income records, one daily batch per file (ingest census FILE --batch-date DATE)",
        inputs: [
            Input(
                name: "census",
                defaultFile: "census/census_income_sample.csv",
                format: .csvWithoutHeader,
                columns: Census.columns,
                uniqueKey: [],
                copyTable: "pg_temp.census_stage",
                copyColumns: Census.columns.map(\.name) + ["source_line"],
                before: Census.createStage,
                after: Census.normalise)
        ],
        // A replaced batch's predictions and performance rows described the old records, so they go too,
        // until the batch is scored again; the records go with their partition.
        replacement: .batch(partitionOf: "census.persons", delete: """
            DELETE FROM census.model_performance WHERE batch_date = current_setting('pgpipe.batch')::date;
            DELETE FROM census.predictions WHERE batch_date = current_setting('pgpipe.batch')::date
            """))
}

/// The census file layout and the SQL that turns a staged batch into census.persons and its lookups.
enum Census {
    static let columns: [Column] = [
        Column("age", .integer(0...150)),
        Column("class_of_worker", .category, missing: "?"),
        Column("detailed_industry_recode", .integer(0...Int(Int16.max)), missing: "?"),
        Column("detailed_occupation_recode", .integer(0...Int(Int16.max)), missing: "?"),
        Column("education", .category, missing: "?"),
        Column("wage_per_hour", .integer(0...Int(Int32.max)), missing: "?"),
        Column("enroll_in_edu_inst_last_wk", .category, missing: "?"),
        Column("marital_stat", .category, missing: "?"),
        Column("major_industry_code", .category, missing: "?"),
        Column("major_occupation_code", .category, missing: "?"),
        Column("race", .category, missing: "?"),
        Column("hispanic_origin", .category, missing: "?"),
        Column("sex", .category, missing: "?"),
        Column("member_of_a_labor_union", .category, missing: "?"),
        Column("reason_for_unemployment", .category, missing: "?"),
        Column("full_or_part_time_employment_stat", .category, missing: "?"),
        Column("capital_gains", .integer(0...Int(Int32.max)), missing: "?"),
        Column("capital_losses", .integer(0...Int(Int32.max)), missing: "?"),
        Column("dividends_from_stocks", .integer(0...Int(Int32.max)), missing: "?"),
        Column("tax_filer_stat", .category, missing: "?"),
        Column("region_of_previous_residence", .category, missing: "?"),
        Column("state_of_previous_residence", .category, missing: "?"),
        Column("detailed_household_and_family_stat", .category, missing: "?"),
        Column("detailed_household_summary_in_household", .category, missing: "?"),
        Column("instance_weight", .decimal, missing: "?"),
        Column("migration_code_change_in_msa", .category, missing: "?"),
        Column("migration_code_change_in_reg", .category, missing: "?"),
        Column("migration_code_move_within_reg", .category, missing: "?"),
        Column("live_in_this_house_1_year_ago", .category, missing: "?"),
        Column("migration_prev_res_in_sunbelt", .category, missing: "?"),
        Column("num_persons_worked_for_employer", .integer(0...Int(Int32.max)), missing: "?"),
        Column("family_members_under_18", .category, missing: "?"),
        Column("country_of_birth_father", .category, missing: "?"),
        Column("country_of_birth_mother", .category, missing: "?"),
        Column("country_of_birth_self", .category, missing: "?"),
        Column("citizenship", .category, missing: "?"),
        Column("own_business_or_self_employed", .integer(0...Int(Int16.max)), missing: "?"),
        Column("fill_inc_questionnaire_for_veterans_admin", .category, missing: "?"),
        Column("veterans_benefits", .integer(0...Int(Int16.max)), missing: "?"),
        Column("weeks_worked_in_year", .integer(0...Int(Int32.max)), missing: "?"),
        Column("year", .integer(0...Int(Int16.max)), missing: "?"),
        Column("income_over_50k", .choice(["50000+.": "true", "- 50000.": "false"])),
    ]

    static var categories: [String] {
        columns.compactMap { if case .category = $0.type { $0.name } else { nil } }
    }

    static let createStage =
        "CREATE TEMP TABLE census_stage ("
        + columns.map { "\($0.name) text, " }.joined() + "source_line integer) ON COMMIT DROP"

    /// New labels join their lookup tables (in order of first appearance, so ids are stable across
    /// reloads); then every staged record becomes a person referencing them. Values are trimmed here, as
    /// the lookups keep the file's spelling.
    static var normalise: String {
        let lookups = categories.map { name in
            """
            INSERT INTO census.\(name) (label, spelling)
            SELECT btrim(\(name)), min(\(name)) FROM census_stage s
            WHERE \(name) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.\(name) l WHERE l.label = btrim(s.\(name)))
            GROUP BY btrim(\(name)) ORDER BY min(source_line);
            """
        }
        let targets = columns.map { column -> (name: String, value: String) in
            switch column.type {
            case .category: return ("\(column.name)_id", "\(column.name).id")
            case .choice: return (column.name, "s.\(column.name)::boolean")
            case .decimal: return (column.name, "s.\(column.name)::numeric")
            default: return (column.name, "s.\(column.name)::integer")
            }
        }
        let joins = categories.map { "LEFT JOIN census.\($0) ON \($0).label = btrim(s.\($0))" }
        return lookups.joined(separator: "\n") + """

            INSERT INTO census.persons_incoming (batch_date, source_line, source_file, \(targets.map(\.name).joined(separator: ", ")))
            SELECT current_setting('pgpipe.batch')::date, s.source_line, current_setting('pgpipe.source_file'),
                   \(targets.map(\.value).joined(separator: ", "))
            FROM census_stage s
            \(joins.joined(separator: "\n"))
            ORDER BY s.source_line
            """
    }
}
