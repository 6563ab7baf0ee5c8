import Foundation
import Postgres
import TestSupport
import Testing

/// Every CHECK constraint of the loaded schemas has a validator rule in front of it: a value the schema would
/// refuse is a reject with its file, line and field (exit 65), never a failed transaction (exit 70). The test
/// walks the catalogue, so a new CHECK without a rule (or a reason why no input reaches it) fails here.
@Suite struct CheckConstraintTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    /// What stands in front of a CHECK: a reject the test provokes, or why no input value reaches it.
    enum Coverage {
        case rejected(file: String, field: String)
        case notFromInput(String)
    }

    /// Which rule covers `schema.table.constraint`, given the dataset's inputs (`ingest datasets`).
    static func coverage(schema: String, table: String, constraint: String, definition: String, censusColumns: [String]) -> Coverage? {
        switch (schema, table, constraint) {
        case ("people", "people", "people_source_line_check"), ("people", "places", "places_source_line_check"),
            ("census", "persons", "persons_source_line_check"):
            return .notFromInput("the loader's line numbers start at 1")
        case ("people", "countries", _): return .rejected(file: "places.csv", field: "country")
        case ("people", "counties", _): return .rejected(file: "places.csv", field: "county")
        case ("people", "places", "places_city_check"): return .rejected(file: "places.csv", field: "city")
        case ("people", "people", "people_given_name_check"): return .rejected(file: "people.csv", field: "given_name")
        case ("people", "people", "people_family_name_check"): return .rejected(file: "people.csv", field: "family_name")
        case ("people", "people", "people_date_of_birth_check"): return .rejected(file: "people.csv", field: "date_of_birth")
        case ("census", "persons", "persons_age_check"): return .rejected(file: "census.csv", field: "age")
        case ("census", "persons", "persons_instance_weight_check"): return .rejected(file: "census.csv", field: "instance_weight")
        case ("census", let lookup, _) where censusColumns.contains(lookup) && constraint == "\(lookup)_label_check":
            return .rejected(file: "census.csv", field: lookup)
        case ("census", let lookup, _) where censusColumns.contains(lookup) && definition.contains("btrim(spelling) = label"):
            return .notFromInput("the loader stores label as the trimmed spelling (RowValidator.addedCategories)")
        case ("census", "predictions", "predictions_probability_check"), ("census", "model_performance", "model_performance_check"),
            ("census", "model_performance", "model_performance_rows_check"), ("census", "feature_stability", "feature_stability_psi_check"):
            return .notFromInput("written by scoring and performance tracking from loaded rows")
        case ("accident", "local_authority_highway", "local_authority_highway_code_check"):
            return .rejected(file: "Local_Authority_Highway.csv", field: "Code")
        case ("accident", let lookup, _) where constraint == "\(lookup)_label_check":
            return .rejected(file: accidentLookupFiles[lookup] ?? "?", field: lookup == "local_authority_highway" ? "Label" : "label")
        case ("accident", "accidents", "accidents_accident_index_check"): return .rejected(file: "cond.csv", field: "Accident_Index")
        case ("accident", "predictions", "predictions_check"), ("accident", "predictions", "predictions_split_check"),
            ("accident", "model_metrics", "model_metrics_predictor_check"), ("accident", "model_metrics", "model_metrics_split_check"):
            return .notFromInput("written by training from loaded rows")
        case ("accident", "reconciliation", "reconciliation_kind_check"):
            return .notFromInput("the kind is set by combine.sql, one of its own names")
        default:
            return nil
        }
    }

    /// lookup table → its file, from `ingest datasets` (`  lookup_police_force: accidents/lookups/Police_Force.csv (...)`).
    nonisolated(unsafe) static var accidentLookupFiles: [String: String] = [:]

    func ingest(_ arguments: [String], environment: [String: String]? = nil) throws -> ToolRun {
        try runTool("ingest", arguments, environment: environment ?? database.environment)
    }

    @Test func test_every_check_constraint_has_a_validator_rule() throws {
        let datasets = try ingest(["datasets"]).stdout.split(separator: "\n").map(String.init)
        let censusColumns = datasets.first { $0.hasPrefix("  census: ") }!.split(separator: "(")[1].dropLast().split(separator: ",").map(String.init)
        for line in datasets where line.hasPrefix("  lookup_") {
            let name = line.dropFirst(9).prefix { $0 != ":" }
            let file = line.split(separator: " ")[1].split(separator: "/").last!
            Self.accidentLookupFiles[String(name)] = String(file)
        }
        #expect(try ingest(["migrate"]).status == 0)

        // People: blank names and place parts, a birth date after today.
        let people = Repository.path("data")
        let places = try String(contentsOfFile: "\(people)/places.csv", encoding: .utf8)
        try folder.write("places.csv", places + (places.hasSuffix("\n") ? "" : "\n") + ",Nowhere,Scotland\nNowhere,,Scotland\nNowhere,Nowhere,\n")
        let tomorrow = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400 + 3_600)).prefix(10)
        try folder.write("people.csv", "given_name,family_name,date_of_birth,place_of_birth\nAda,Lovelace,1815-12-10,Kelso\n,X,1900-01-01,Kelso\nX,,1900-01-01,Kelso\nX,Y,\(tomorrow),Kelso\n")
        let peopleRun = try ingest(["load", "people", "--data-dir", folder.path, "--max-rejects", "100", "--quiet"])
        #expect(peopleRun.status == 65, "\(peopleRun.stderr)")

        // Census: a negative age and weight, and each category blank in a row of its own.
        let sample = Repository.path("data/census/census_income_sample.csv")
        let good = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n")[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func row(_ index: Int, _ value: String) -> String { var fields = good; fields[index] = value; return fields.joined(separator: ",") }
        let categoryIndexes = censusColumns.indices.filter { index in datasetsHasLookup(censusColumns[index]) }
        func datasetsHasLookup(_ column: String) -> Bool { (try? database.connect().query("SELECT to_regclass(\("census." + column)) IS NOT NULL").rows[0].decode(Bool.self, 0)) ?? false }
        let censusRows = [good.joined(separator: ","), row(0, " -1"), row(24, " -1032.38")] + categoryIndexes.map { row($0, "   ") }
        try folder.write("census.csv", censusRows.joined(separator: "\n") + "\n")
        let censusRun = try ingest(["census", "\(folder.path)/census.csv", "--batch-date", "2026-11-20", "--data-dir", folder.path, "--max-rejects", "100", "--no-score", "--quiet"])
        #expect(censusRun.status == 65, "\(censusRun.stderr)")

        // Accidents: each lookup with a blank label, the highway lookup with a blank code, a blank accident index.
        let accidents = "\(folder.path)/accidents"
        try FileManager.default.copyItem(atPath: Repository.path("data/accidents"), toPath: accidents)
        for file in try FileManager.default.contentsOfDirectory(atPath: "\(accidents)/lookups") {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(accidents)/lookups/\(file)"))
            handle.seekToEndOfFile()
            handle.write(Data((file == "Local_Authority_Highway.csv" ? ",Nowhere\nZ99999999,\n" : "32000,\n").utf8))
            try handle.close()
        }
        let cond = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(accidents)/cond.csv"))
        cond.seekToEndOfFile()
        cond.write(Data(",5,1,1,0,0,1\n".utf8))
        try cond.close()
        let accidentRun = try ingest(["accidents", "--data-dir", folder.path, "--no-train", "--max-rejects", "100", "--quiet"])
        #expect(accidentRun.status == 65, "\(accidentRun.stderr)")

        let connection = try database.connect()
        let rejected = Set(try connection.query("SELECT regexp_replace(source_file, '^.*/', '') || ' ' || coalesce(field, '') FROM ingest.rejects").rows
            .map { try $0.decode(String.self, 0) })
        let checks = try connection.query("""
            SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE con.contype = 'c' AND n.nspname IN ('people', 'census', 'accident') AND NOT c.relispartition
            ORDER BY 1, 2, 3
            """).rows
        #expect(checks.count > 90)
        var provoked = 0
        for check in checks {
            let (schema, table, name, definition) = (try check.decode(String.self, 0), try check.decode(String.self, 1), try check.decode(String.self, 2), try check.decode(String.self, 3))
            switch Self.coverage(schema: schema, table: table, constraint: name, definition: definition, censusColumns: censusColumns) {
            case nil:
                Issue.record("\(schema).\(table) \(name) \(definition): no validator rule covers this CHECK; add one, and a case here")
            case .notFromInput:
                continue
            case .rejected(let file, let field):
                provoked += 1
                #expect(rejected.contains("\(file) \(field)"), "\(schema).\(table) \(name): no reject of \(file) \(field)")
            }
        }
        #expect(provoked >= 6 + 2 + 28 + 20, "people, census persons, census lookups, accident lookups and keys")
    }

    @Test func test_a_birth_date_of_today_loads_whatever_the_session_time_zone() throws {
        // The validator's today is UTC; a session in a time zone behind UTC must not refuse it in the CHECK.
        let people = Repository.path("data")
        try FileManager.default.copyItem(atPath: "\(people)/places.csv", toPath: "\(folder.path)/places.csv")
        let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
        try folder.write("people.csv", "given_name,family_name,date_of_birth,place_of_birth\nNew,Born,\(today),Kelso\n")
        var environment = database.environment
        environment["PGTZ"] = "UTC+23"
        let run = try ingest(["load", "people", "--data-dir", folder.path, "--quiet"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
    }
}
