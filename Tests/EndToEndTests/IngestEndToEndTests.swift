import Foundation
import Postgres
import TestSupport
import Testing

/// The `ingest` and `summary` binaries against a scratch database, on the real people & places data and on
/// files built to be wrong in known ways.
@Suite struct IngestEndToEndTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    let peopleData = Repository.path("data")

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    func ingest(_ arguments: [String], environment: [String: String]? = nil) throws -> ToolRun {
        try runTool("ingest", arguments, environment: environment ?? database.environment)
    }

    func loadPeople(dataDir: String, _ extra: [String] = []) throws -> ToolRun {
        try ingest(["load", "people", "--data-dir", dataDir, "--rejects", "\(folder.path)/rejects.jsonl", "--quiet"] + extra)
    }

    func count(_ table: String) throws -> Int {
        try database.connect().query("SELECT count(*) FROM \(unescaped: table)").rows[0].decode(Int.self, 0)
    }

    /// One digest of every row of the dataset's tables, identities included.
    func fingerprint() throws -> String {
        let tables = ["people.countries", "people.counties", "people.places", "people.people"]
        let parts = try tables.map { table in
            try database.connect().query("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \(unescaped: table) t")
                .rows[0].decode(String.self, 0)
        }
        return parts.joined(separator: ",")
    }

    /// A data folder (inside the test's folder) with the given people.csv and the real or given places.csv.
    func dataFolder(people: [UInt8], places: String? = nil) throws -> String {
        let data = "\(folder.path)/data-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        if let places {
            try Data(places.utf8).write(to: URL(fileURLWithPath: "\(data)/places.csv"))
        } else {
            try FileManager.default.copyItem(atPath: "\(peopleData)/places.csv", toPath: "\(data)/places.csv")
        }
        try Data(people).write(to: URL(fileURLWithPath: "\(data)/people.csv"))
        return data
    }

    @Test func test_real_data_loads_every_row_byte_for_byte() throws {
        let run = try loadPeople(dataDir: peopleData)
        #expect(run.status == 0, "\(run.stderr)")
        // places.csv has 114 rows after its header (115 lines, the last without a newline; `wc -l` says 114).
        #expect(run.stdout == "read 10114, loaded 10114, rejected 0\n")
        #expect(try count("people.places") == 114)
        #expect(try count("people.people") == 10_000)
        #expect(try count("people.countries") == 2)

        // people.csv quotes nothing, so COPY's CSV of the loaded rows in file order must be the file itself.
        let file = try Data(contentsOf: URL(fileURLWithPath: "\(peopleData)/people.csv"))
        #expect(!file.contains(UInt8(ascii: "\"")))
        var copied = Data("given_name,family_name,date_of_birth,place_of_birth\n".utf8)
        try database.connect().copyOut("""
            COPY (SELECT p.given_name, p.family_name, p.date_of_birth, pl.city
                  FROM people.people p JOIN people.places pl ON pl.place_id = p.place_of_birth_id
                  ORDER BY p.source_line) TO STDOUT (FORMAT csv)
            """) { copied.append(contentsOf: $0) }
        #expect(copied == file)
    }

    @Test func test_summary_output_equals_the_sample_byte_for_byte() throws {
        #expect(try loadPeople(dataDir: peopleData).status == 0)
        let summary = try runTool("summary", ["--output", folder.path], environment: database.environment)
        #expect(summary.status == 0, "\(summary.stderr)")
        let written = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/summary_output.json"))
        let sample = try Data(contentsOf: URL(fileURLWithPath: "\(peopleData)/sample_output.json"))
        #expect(written == sample)
        #expect(String(decoding: written, as: UTF8.self) == #"{"Scotland":8048,"Northern Ireland":1952}"#)
        let csv = try String(contentsOfFile: "\(folder.path)/summary_output.csv", encoding: .utf8)
        #expect(csv == "country,people\r\nScotland,8048\r\nNorthern Ireland,1952\r\n")
        for report in ["people_per_county", "people_per_city", "births_per_decade", "oldest_and_youngest_per_country"] {
            #expect(FileManager.default.fileExists(atPath: "\(folder.path)/\(report).json"), "\(report)")
            #expect(FileManager.default.fileExists(atPath: "\(folder.path)/\(report).csv"), "\(report)")
        }
        let perCity = try String(contentsOfFile: "\(folder.path)/people_per_city.csv", encoding: .utf8)
        #expect(perCity.split(separator: "\r\n").count == 115)
    }

    @Test func test_rerun_leaves_the_data_unchanged() throws {
        #expect(try loadPeople(dataDir: peopleData).status == 0)
        let first = try fingerprint()
        #expect(try loadPeople(dataDir: peopleData).status == 0)
        #expect(try fingerprint() == first)
        let runs = try database.connect().query("SELECT status, rows_read FROM ingest.runs ORDER BY run_id").rows
        #expect(try runs.map { try $0.decode(String.self, 0) } == ["loaded", "loaded"])
        let sources = try database.connect().query("SELECT DISTINCT sha256 FROM ingest.run_sources WHERE input = 'people'").rows
        #expect(sources.count == 1)
    }

    static let badPeople: [UInt8] = Array("""
        family_name,given_name,date_of_birth,place_of_birth\r
        Smith,Anna,1990-02-30,Kelso\r
        Σωκράτης,Νίκος,1980-01-01,Kelso\r
        "Mc""Kay, Jr","An
        na",1970-05-05,Kelso\r
        Future,Kid,2999-01-01,Kelso\r

        """.utf8) + Array("Bad".utf8) + [0xFF] + Array("""
        ,X,1980-01-01,Kelso
        A,B,1980-01-01,Atlantis
        A,B,1980-01-01
        ,Empty,1980-01-01,Kelso
        ab"c,B,1980-01-01,Kelso
        Year,Zero,0000-06-01,Kelso
        "open,B,1980-01-01,Kelso

        """.utf8)

    static let expectedRejects: [(line: Int, field: String?, reason: String)] = [
        (2, "date_of_birth", "no such calendar date"),
        (6, "date_of_birth", "date is in the future (after \(todayUTC()))"),
        (7, "family_name", "invalid UTF-8 at byte 4 of the field"),
        (8, "place_of_birth", "unknown place \"Atlantis\""),
        (9, nil, "expected 4 fields, found 3"),
        (10, "family_name", "required text is empty"),
        (11, nil, "a quote inside an unquoted field (field 1)"),
        (12, "date_of_birth", "no such calendar date"),
        (13, nil, "a quoted field opened on line 13 is never closed; the record is taken to end with line 13, and reading resumes on line 14"),
    ]

    static func todayUTC() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }

    @Test func test_bad_rows_are_rejected_with_line_field_and_reason_and_counts_add_up() throws {
        let data = try dataFolder(people: Self.badPeople)
        let run = try loadPeople(dataDir: data, ["--max-rejects", "100"])
        #expect(run.status == 65)
        #expect(run.stdout == "read 125, loaded 116, rejected 9\n")
        #expect(try count("people.people") == 2)
        let names = try database.connect().query("SELECT given_name, family_name, source_line FROM people.people ORDER BY source_line").rows
        #expect(try names.map { try $0.decode(String.self, 0) } == ["Νίκος", "An\nna"])
        #expect(try names.map { try $0.decode(String.self, 1) } == ["Σωκράτης", "Mc\"Kay, Jr"])
        #expect(try names.map { try $0.decode(Int.self, 2) } == [3, 4])

        let lines = try String(contentsOfFile: "\(folder.path)/rejects.jsonl", encoding: .utf8).split(separator: "\n")
        let fromFile = try lines.map { line -> (Int, String?, String) in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(object["file"] as? String == "\(data)/people.csv")
            return (object["line"] as! Int, object["field"] as? String, object["reason"] as! String)
        }
        #expect(fromFile.map(\.0) == Self.expectedRejects.map(\.line))
        #expect(fromFile.map(\.1) == Self.expectedRejects.map(\.field))
        #expect(fromFile.map(\.2) == Self.expectedRejects.map(\.reason))

        let table = try database.connect().query("SELECT line, field, reason, raw FROM ingest.rejects ORDER BY line").rows
        #expect(try table.map { try $0.decode(Int.self, 0) } == Self.expectedRejects.map(\.line))
        #expect(try table.map { try $0.decode(String?.self, 1) } == Self.expectedRejects.map(\.field))
        #expect(try table[0].decode(String.self, 3) == "Smith,Anna,1990-02-30,Kelso")
        #expect(try table[2].decode(String.self, 3) == "Bad\u{FFFD},X,1980-01-01,Kelso")

        let ledger = try database.connect().query("SELECT status, rows_read, rows_loaded, rows_rejected FROM ingest.runs").rows[0]
        #expect(try ledger.decode(String.self, 0) == "loaded_with_rejects")
        #expect(try ledger.decode(Int.self, 1) == ledger.decode(Int.self, 2) + ledger.decode(Int.self, 3))
    }

    /// A rejects file is the last load's: a load without rejects leaves none, and takes away the one the load
    /// before it left, so an old file never passes for the current data's.
    @Test func test_a_load_without_rejects_leaves_no_rejects_file() throws {
        #expect(try loadPeople(dataDir: try dataFolder(people: Self.badPeople), ["--max-rejects", "100"]).status == 65)
        #expect(FileManager.default.fileExists(atPath: "\(folder.path)/rejects.jsonl"))
        let clean = try loadPeople(dataDir: Repository.path("data"), ["--log-level", "info"])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/rejects.jsonl"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasPrefix("rejects") })
        // One log line for the load at the default level: what it did, its run and where its WAL ends.
        let lines = clean.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("people: read 10114, loaded 10114, rejected 0; run 2 committed at WAL"), "\(clean.stderr)")
    }

    @Test func test_more_rejects_than_allowed_roll_back_to_the_previous_load() throws {
        #expect(try loadPeople(dataDir: peopleData).status == 0)
        let before = try fingerprint()
        let run = try loadPeople(dataDir: try dataFolder(people: Self.badPeople), ["--max-rejects", "8"])
        #expect(run.status == 65)
        #expect(run.stdout == "read 125, loaded 0, rejected 9, rolled back 116\n")
        #expect(run.stderr.contains("more than --max-rejects 8: the load rolled back and the database is unchanged"))
        #expect(try fingerprint() == before)
        let status = try database.connect().query("SELECT status FROM ingest.runs ORDER BY run_id DESC LIMIT 1").rows[0]
        #expect(try status.decode(String.self, 0) == "rolled_back")
        // The rejects of the rolled-back run are still there to read.
        #expect(try count("ingest.rejects") == 9)
    }

    @Test func test_header_is_matched_by_name_and_wrong_headers_stop_the_load() throws {
        let reordered = try loadPeople(dataDir: try dataFolder(people: Array("place_of_birth,date_of_birth,family_name,given_name\nKelso,1901-01-01,Ng,Li\n".utf8)))
        #expect(reordered.status == 0, "\(reordered.stderr)")
        let row = try database.connect().query("SELECT given_name, family_name FROM people.people").rows[0]
        #expect(try row.decode(String.self, 0) == "Li")

        let cases: [(String, String)] = [
            ("given_name,family_name,place_of_birth\n", "missing column \"date_of_birth\" in the header"),
            ("given_name,family_name,date_of_birth,place_of_birth,age\n", "unknown column \"age\" in the header"),
            ("given_name,given_name,family_name,date_of_birth,place_of_birth\n", "column \"given_name\" appears twice in the header"),
            ("", "the file is empty: expected a header line"),
        ]
        for (header, message) in cases {
            let run = try loadPeople(dataDir: try dataFolder(people: Array(header.utf8)))
            #expect(run.status == 65, "\(header)")
            #expect(run.stderr.contains(message), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "one line: \(run.stderr)")
        }
        #expect(try count("people.people") == 1)
    }

    @Test func test_header_only_file_loads_nothing_and_succeeds() throws {
        let run = try loadPeople(dataDir: try dataFolder(people: Array("given_name,family_name,date_of_birth,place_of_birth\n".utf8)))
        #expect(run.status == 0)
        #expect(run.stdout == "read 114, loaded 114, rejected 0\n")
    }

    @Test func test_ambiguous_and_duplicate_places_are_rejected_not_guessed() throws {
        let places = "city,county,country\nNewtown,Powys,Wales\nNewtown,Antrim,Northern Ireland\nNewtown,Powys,Wales\nKelso,Roxburghshire,Scotland\n"
        let people = "given_name,family_name,date_of_birth,place_of_birth\nA,B,1950-01-01,Newtown\nC,D,1950-01-01,Kelso\n"
        let run = try loadPeople(dataDir: try dataFolder(people: Array(people.utf8), places: places), ["--max-rejects", "5"])
        #expect(run.status == 65)
        #expect(run.stdout == "read 6, loaded 4, rejected 2\n")
        let reasons = try database.connect().query("SELECT line, reason FROM ingest.rejects ORDER BY source_file DESC, line").rows
        #expect(try reasons.map { try $0.decode(String.self, 1) } == [
            "duplicate of line 2 (city, county, country)",
            "ambiguous place \"Newtown\": 2 match (Powys, Wales; Antrim, Northern Ireland)",
        ])
        #expect(try count("people.places") == 3)
    }

    @Test func test_missing_input_unreachable_database_and_bad_usage_have_their_exit_status() throws {
        let missing = try loadPeople(dataDir: "/no/such/folder")
        #expect(missing.status == 66)
        #expect(missing.stderr == "ingest: error: /no/such/folder/places.csv: no such file\n")

        let directory = try loadPeople(dataDir: peopleData, ["--file", "people=\(folder.path)"])
        #expect(directory.status == 66)

        var unreachable = database.environment
        unreachable["PGPORT"] = "1"
        unreachable["PGHOST"] = "127.0.0.1"
        let down = try ingest(["load", "people", "--data-dir", peopleData], environment: unreachable)
        #expect(down.status == 69)
        #expect(down.stderr.hasPrefix("ingest: error: connection to server at \"127.0.0.1\", port 1 failed"))

        #expect(try ingest(["load", "nonsense"]).status == 64)
        #expect(try ingest(["load", "people", "--max-rejects", "-1"]).status == 64)
        #expect(try ingest(["load", "people", "--file", "nothing=x.csv"]).status == 64)
        #expect(try runTool("summary", ["no_such_report", "--output", folder.path], environment: database.environment).status == 64)
        // None of these got as far as the database: not even the migrations ran.
        #expect(try database.connect().query("SELECT to_regclass('ingest.runs') IS NULL").rows[0].decode(Bool.self, 0))
    }

    @Test func test_two_concurrent_loads_serialise_and_end_as_one_load() async throws {
        let arguments = ["load", "people", "--data-dir", peopleData, "--quiet"]
        let environment = database.environment
        let folder = self.folder.path
        let runs = try await withThrowingTaskGroup(of: ToolRun.self) { group in
            for index in 0..<2 {
                group.addTask { try runTool("ingest", arguments + ["--rejects", "\(folder)/rejects-\(index).jsonl"], environment: environment) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(runs.map(\.status) == [0, 0], "\(runs.map(\.stderr))")
        let concurrent = try fingerprint()
        #expect(try loadPeople(dataDir: peopleData).status == 0)
        #expect(try fingerprint() == concurrent)
        #expect(try count("people.people") == 10_000)
    }

    @Test func test_migrate_command_is_idempotent() throws {
        let first = try ingest(["migrate"])
        #expect(first.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("sql/migrations")).sorted()
        #expect(files.first == "0001_ingest.sql" && files.allSatisfy { $0.hasSuffix(".sql") })
        #expect(first.stdout == "migrations: applied \(files.joined(separator: ", "))\n")
        #expect(try ingest(["migrate"]).stdout == "migrations: up to date\n")
    }
}
