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

    func counts(_ sql: String) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try database.connect().query(sql).rows.map { (try $0.decode(String.self, 0), try $0.decode(Int.self, 1)) })
    }

    /// The expected reconciliation, computed by Python's csv and sqlite3 modules straight from the files.
    static func independentCounts() throws -> [String: Int] {
        let script = """
            import csv, sqlite3, json, collections
            d = "data/accidents/"
            keys = set()
            csv_values = {}
            for name, column, field in [("police.csv", "Police_Force", "police_force"),
                                        ("police.csv", "Did_Police_Officer_Attend_Scene_of_Accident", "officer_attended"),
                                        ("response.csv", "Accident_Severity", "severity")]:
                for row in csv.DictReader(open(d + name)):
                    keys.add(row["Accident_Index"])
                    value = None if row[column] == "-1" else row[column]
                    csv_values.setdefault((row["Accident_Index"], field), []).append(value)
            for row in csv.DictReader(open(d + "cond.csv")):
                keys.add(row["Accident_Index"])
            db = sqlite3.connect(d + "de.db")
            db_values = {}
            for table, columns in [("police", [("police_force", "police_force"), ("did_police_officer_attend_scene_of_accident", "officer_attended")]),
                                   ("response", [("accident_severity", "severity")])]:
                for row in db.execute(f"SELECT acc_i, {', '.join(c for c, _ in columns)} FROM {table}"):
                    key = str(row[0])
                    keys.add(key)
                    for (column, field), value in zip(columns, row[1:]):
                        value = None if value is None or value == -1 else str(value)
                        db_values.setdefault((key, field), []).append(value)
            kinds = collections.Counter()
            for key in keys:
                for field in ["police_force", "officer_attended", "severity"]:
                    c, b = csv_values.get((key, field)), db_values.get((key, field))
                    if c is None: kinds["missing_in_csv"] += 1; continue
                    if b is None: kinds["missing_in_database"] += 1; continue
                    if len(set(c)) > 1 or len(set(b)) > 1: kinds["conflicting_duplicates"] += 1; continue
                    if len(c) > 1 or len(b) > 1: kinds["duplicate_key"] += 1; continue
                    if c[0] is None and b[0] is not None: kinds["null_in_csv"] += 1
                    elif b[0] is None and c[0] is not None: kinds["null_in_database"] += 1
                    elif c[0] != b[0]: kinds["disagreement"] += 1
            kinds["accidents"] = len(keys)
            print(json.dumps(kinds))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
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

    @Test func test_missing_sqlite_table_is_an_input_error() throws {
        let copy = "\(folder.path)/data"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.path("data/accidents"), toPath: "\(copy)/accidents")
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: "\(copy)/accidents/de.db"))
        let run = try load(["--data-dir", copy])
        #expect(run.status == 66)
        #expect(run.stderr.contains("de.db"), "\(run.stderr)")
    }
}
