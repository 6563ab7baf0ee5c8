import Foundation
import Postgres
import TestSupport
import Testing

/// Quotes, semicolons and SQL in report names, batch dates, dataset names and file names are refused or
/// stored as data, never executed: after each attempt the data is exactly what it was.
@Suite struct InjectionTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    static let hostile = [
        "x'; DROP TABLE people.people; --",
        "summary_output; DELETE FROM people.people",
        "2024-01-01'); TRUNCATE census.persons; --",
        "\"; DROP SCHEMA people CASCADE; --",
        "../../../etc/passwd",
        "2024-01-01 OR 1=1",
        "$$; SELECT pg_sleep(10); $$",
    ]

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
        let people = try runTool(
            "ingest", ["load", "people", "--data-dir", Repository.path("data"), "--rejects", "\(folder.path)/r.jsonl", "--quiet"],
            environment: database.environment)
        #expect(people.status == 0, "\(people.stderr)")
        #expect(try loadCensusBatch(date: "2024-01-01", into: database, folder: folder, ["--no-score"]).status == 0)
    }

    func counts() throws -> [Int] {
        try ["people.people", "people.places", "census.persons", "ingest.rejects"].map {
            try database.connect().query("SELECT count(*) FROM \(unescaped: $0)").rows[0].decode(Int.self, 0)
        }
    }

    @Test func test_report_names_are_looked_up_never_run() throws {
        let before = try counts()
        for name in Self.hostile {
            let run = try runTool("summary", [name, "--output", folder.path], environment: database.environment)
            #expect(run.status == 64, "\(run.stderr)")
            #expect(run.stderr.contains("no report named \"\(name)\""))
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") } == [])
        }
        #expect(try counts() == before)
    }

    @Test func test_batch_dates_are_checked_dates_never_sql() throws {
        let before = try counts()
        for date in Self.hostile {
            let census = try loadCensusBatch(date: date, into: database, folder: folder)
            #expect(census.status == 64)
            #expect(census.stderr.contains("The value '\(date)' is invalid for '--batch-date <batch-date>': expected a real date written YYYY-MM-DD"), "\(census.stderr)")
            let load = try runTool(
                "ingest", ["load", "census", "--batch", date, "--file", "census=data/census/census_income_sample.csv"],
                environment: database.environment)
            #expect(load.status == 64)
            #expect(load.stderr.contains("The value '\(date)' is invalid for '--batch <batch>': expected a real date written YYYY-MM-DD"), "\(load.stderr)")
            let score = try runTool("ingest", ["score", "--batch-date", "2024-01-01", "--reference-batch", date], environment: database.environment)
            #expect(score.status == 64)
        }
        #expect(try counts() == before)
    }

    @Test func test_dataset_names_are_looked_up_never_run() throws {
        let before = try counts()
        for name in Self.hostile {
            let run = try runTool("ingest", ["load", name], environment: database.environment)
            #expect(run.status == 64)
            #expect(run.stderr.contains("unknown dataset"))
        }
        #expect(try counts() == before)
    }

    @Test func test_file_names_with_quotes_and_sql_are_stored_as_written() throws {
        let data = "\(folder.path)/it's; DROP TABLE people.people; -- \"x\""
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: Repository.path("data/places.csv"), toPath: "\(data)/places.csv")
        let people = try String(contentsOfFile: Repository.path("data/people.csv"), encoding: .utf8)
        try (people + "Bad,Row,1900-02-30,Kelso\n").write(toFile: "\(data)/people.csv", atomically: true, encoding: .utf8)
        let rejects = "\(data)/rejects'; DELETE FROM ingest.rejects; --.jsonl"
        let run = try runTool(
            "ingest", ["load", "people", "--data-dir", data, "--rejects", rejects, "--max-rejects", "1", "--quiet"], environment: database.environment)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stdout == "read 10115, loaded 10114, rejected 1\n")
        let connection = try database.connect()
        let sources = try connection.query(
            "SELECT source_file FROM ingest.run_sources WHERE run_id = (SELECT max(run_id) FROM ingest.runs) ORDER BY input"
        ).rows.map { try $0.decode(String.self, 0) }
        #expect(sources == ["\(data)/people.csv", "\(data)/places.csv"])
        let rejected = try connection.query("SELECT source_file, line FROM ingest.rejects WHERE reason LIKE '%date%'").rows
        #expect(rejected.count == 1)
        #expect(try rejected.first?.decode(String.self, 0) == "\(data)/people.csv")
        #expect(FileManager.default.fileExists(atPath: rejects))
        #expect(try connection.query("SELECT count(*) FROM people.people").rows[0].decode(Int.self, 0) == 10_000)
    }
}
