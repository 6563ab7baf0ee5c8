import Foundation
import Postgres
import TestSupport
import Testing

/// `ingest accidents` on the 20,000-accident sample: every accident once, and every difference between the
/// CSV exports and the legacy SQLite database in the reconciliation, counted independently from the raw files.
@Suite struct AccidentSourcesTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    func load(_ extra: [String] = []) throws -> ToolRun {
        try runTool("ingest", ["accidents", "--rejects", "\(folder.path)/rejects.jsonl", "--quiet", "--no-train"] + extra, environment: database.environment)
    }

    func counts(_ sql: SQLQuery) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try database.connect().query(sql).rows.map { (try $0.decode(String.self, 0), try $0.decode(Int.self, 1)) })
    }

    /// The expected reconciliation, computed by Python's csv and sqlite3 modules straight from the files.
    static func independentCounts() throws -> [String: Int] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Repository.path("scripts/reference/accident_reconciliation.py")]
        process.currentDirectoryURL = Repository.root
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONSerialization.jsonObject(with: output) as! [String: Int]
    }

    @Test func test_every_accident_once_and_every_difference_reconciled() throws {
        let run = try load()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("read 100754, loaded 100754, rejected 0\n"))

        var expected = try Self.independentCounts()
        let accidents = expected.removeValue(forKey: "accidents")
        let stored = try counts("SELECT 'accidents', count(*) FROM accident.accidents UNION ALL SELECT 'distinct', count(DISTINCT accident_index) FROM accident.accidents")
        #expect(stored["accidents"] == accidents)
        #expect(stored["distinct"] == accidents)
        #expect(accidents == 20_000)

        let kinds = try counts("SELECT kind, count(*) FROM accident.reconciliation WHERE field IN ('police_force', 'officer_attended', 'severity') GROUP BY kind")
        #expect(kinds == expected)
        #expect(expected["disagreement"] ?? 0 > 100 && expected["null_in_database"] ?? 0 > 0 && expected["conflicting_duplicates"] ?? 0 > 0)
        #expect(run.stdout.contains("reconciliation: conflicting_duplicates \(expected["conflicting_duplicates"]!)"))

        // A -1 code is NULL in the typed column, and the accident says the source recorded it as missing.
        let cond = try String(contentsOfFile: Repository.path("data/accidents/cond.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let minusOne = cond.filter { $0.split(separator: ",")[3] == "-1" }.count
        #expect(minusOne > 0)
        let coded = try counts("SELECT 'n', count(*) FROM accident.accidents WHERE road_surface_conditions IS NULL AND 'road_surface_conditions' = ANY(coded_missing)")
        #expect(coded["n"] == minusOne)

        // Keys stored as INTEGER and as TEXT in de.db join the same accidents as the CSV's text keys.
        let mixed = try counts("SELECT 'both', count(*) FROM accident.accidents WHERE sources @> ARRAY['de.db:police', 'police.csv']")
        #expect(mixed["both"] == 20_000)
        #expect(try counts("SELECT 'alpha', count(*) FROM accident.accidents WHERE accident_index ~ '[A-Z]'")["alpha"]! > 5000)
    }

    @Test func test_precedence_decides_disagreements_and_rerun_changes_nothing() throws {
        #expect(try load().status == 0)
        let csvFirst = try counts("SELECT 'csv', count(*) FROM accident.reconciliation r JOIN accident.accidents a USING (accident_index) WHERE kind = 'disagreement' AND a.severity::text = r.csv_value")
        let disagreements = try counts("SELECT 'n', count(*) FROM accident.reconciliation WHERE kind = 'disagreement'")["n"]!
        #expect(csvFirst["csv"] == disagreements)

        func fingerprint() throws -> String {
            try database.connect().query("""
                SELECT md5(string_agg(a::text, '|' ORDER BY accident_index)) || md5((SELECT string_agg(r::text, '|' ORDER BY accident_index, field) FROM accident.reconciliation r))
                FROM accident.accidents a
                """).rows[0].decode(String.self, 0)
        }
        let once = try fingerprint()
        #expect(try load().status == 0)
        #expect(try fingerprint() == once)

        #expect(try load(["--prefer", "database"]).status == 0)
        let databaseFirst = try counts("SELECT 'db', count(*) FROM accident.reconciliation r JOIN accident.accidents a USING (accident_index) WHERE kind = 'disagreement' AND a.severity::text = r.database_value")
        #expect(databaseFirst["db"] == disagreements)
    }

    @Test func test_a_file_that_is_not_a_sqlite_database_is_an_input_error() throws {
        let copy = "\(folder.path)/data"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.path("data/accidents"), toPath: "\(copy)/accidents")
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: "\(copy)/accidents/de.db"))
        let run = try load(["--data-dir", copy])
        #expect(run.status == 66)
        #expect(run.stderr.contains("accidents/de.db: cannot read table police: file is not a database"), "\(run.stderr)")
    }
}
