import Validation

extension Dataset {
    /// US census income records (KDD), one file per daily batch: 42 fields without a header, in the order of
    /// the attribute list at the end of census_income_metadata.txt. Each load replaces one batch date.
    public static let census = Dataset(
        name: "census",
        summary: "US census income records, one daily batch per file (ingest census FILE --batch-date DATE)",
        inputs: [
            DatasetInput(
                name: "census",
                defaultFile: "census/census_income_sample.csv",
                format: .csvWithoutHeader,
                columns: Census.columns,
                uniqueKeys: [],
                // Straight into the batch's incoming partition (census.persons_incoming_YYYYMMDD): categories
                // as their lookup ids.
                copyTable: ("census", "persons"),
                copyColumns: Census.columns.map { $0.type.isCategory ? $0.name + "_id" : $0.name } + ["source_line"],
                before: [],
                after: [],
                categoryLookups: "census",
                copyConstants: [("batch_date", .batch), ("source_file", .sourceFile)])
        ],
        // A replaced batch's performance rows go too; its records and predictions go with their partitions.
        replacement: .batch(partitionOf: ("census", "persons"), delete: "census/replace_batch.sql"))
}

/// The census file layout: each column of census.persons, a category column as `<name>_id`, referencing the
/// lookup table `census.<name>`.
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
        Column("instance_weight", .decimal(nonNegative: true), missing: "?"),
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
}
