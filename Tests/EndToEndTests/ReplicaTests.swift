import Foundation
import Postgres
import TestSupport
import Testing

/// Reports from the hot standby that scripts/test starts beside the test server (scripts/local-db standby):
/// real streaming replication of the whole server, so each scratch database is on the standby too.
@Suite(.serialized) struct ReplicaTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    let standbyPort: String

    init() throws {
        guard let port = ProcessInfo.processInfo.environment["PGPIPE_STANDBY_PORT"], !port.isEmpty else {
            throw PostgresError(.connection, message: "the replica tests need the standby scripts/test starts (PGPIPE_STANDBY_PORT)")
        }
        standbyPort = port
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    /// The environment that points a tool at this test's database on the standby.
    var standby: [String: String] {
        database.environment.merging(["PGHOST": "127.0.0.1", "PGPORT": standbyPort]) { $1 }
    }

    /// A connection to this test's database on the standby, once the standby has it.
    func connectToStandby() throws -> Connection {
        let configuration = PostgresConfiguration(conninfo: "host=127.0.0.1 port=\(standbyPort) dbname=\(database.name)")
        for _ in 0..<100 {
            if let connection = try? Connection(configuration) { return connection }
            usleep(100_000)
        }
        return try Connection(configuration)
    }

    func ingest(_ arguments: [String]) throws -> ToolRun {
        try runTool("ingest", arguments + ["--quiet"], environment: database.environment)
    }

    func loadPeople() throws -> ToolRun {
        let people = Repository.path("data")
        return try ingest(["load", "people", "--data-dir", people, "--rejects", "\(folder.path)/people_rejects.jsonl"])
    }

    func loadCensus(_ date: String) throws -> ToolRun {
        try ingest(["census", "data/census/census_income_sample.csv", "--batch-date", date, "--data-dir", folder.path])
    }

    /// The last run of `dataset` on the primary: its id and recorded commit position.
    func lastRun(_ dataset: String) throws -> (run: Int64, lsn: String?) {
        let row = try database.connect().query(
            "SELECT run_id, commit_lsn::text FROM ingest.runs WHERE dataset = \(dataset) ORDER BY run_id DESC LIMIT 1").rows[0]
        return (try row.decode(Int64.self, 0), try row.decode(String?.self, 1))
    }

    /// Every file a summary run wrote, by name.
    func files(in output: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        // The manifest names its run's time; the reports must be equal byte for byte.
        for name in try FileManager.default.contentsOfDirectory(atPath: output) where name != "summary_manifest.json" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: "\(output)/\(name)"))
        }
        return files
    }

    /// This test's database on the primary, as a URL (for --primary-url).
    var primaryURL: String {
        let environment = database.environment
        return "postgresql://\(environment["PGUSER"] ?? "postgres")@127.0.0.1:\(environment["PGPORT"] ?? "5432")/\(database.name)"
    }

    func summary(_ arguments: [String] = [], environment: [String: String], output: String) throws -> ToolRun {
        try runTool("summary", ["--output", output] + arguments, environment: environment)
    }

    @Test func test_reports_from_the_standby_after_the_load_equal_the_primarys_byte_for_byte() throws {
        let people = try loadPeople()
        #expect(people.status == 0, "\(people.stderr)")
        let census = try loadCensus("2026-11-16")
        #expect(census.status == 0, "\(census.stderr)")
        let (run, lsn) = try lastRun("census")
        let position = try #require(lsn, "a committed run records its commit position")
        #expect(census.stderr.contains("run \(run) committed at WAL \(position)"), "\(census.stderr)")

        let primary = try summary(environment: database.environment, output: "\(folder.path)/primary")
        #expect(primary.status == 0, "\(primary.stderr)")
        let replica = try summary(["--wait-for-run", "\(run)"], environment: standby, output: "\(folder.path)/standby")
        #expect(replica.status == 0, "\(replica.stderr)")
        let expected = try files(in: "\(folder.path)/primary")
        #expect(expected["census_predictions.csv"].map { $0.count > 100_000 } == true, "the batch's predictions are in the reports")
        #expect(expected["summary_output.json"] != nil && expected["weekly_report.html"] != nil)
        let seen = try files(in: "\(folder.path)/standby")
        #expect(seen.keys.sorted() == expected.keys.sorted())
        for name in expected.keys.sorted() { #expect(seen[name] == expected[name], "\(name) differs on the standby") }
        // The standby is what it says: read-only, in recovery.
        #expect(try connectToStandby().isStandby())
    }

    @Test func test_a_summary_on_a_lagging_standby_waits_for_the_load_then_times_out_or_reads_it_whole() throws {
        #expect(try loadCensus("2026-11-16").status == 0)
        #expect(try summary(["--wait-for-run", "\(try lastRun("census").run)"], environment: standby, output: "\(folder.path)/before").status == 0)
        let paused = try connectToStandby()
        try paused.query("SELECT pg_wal_replay_pause()")
        defer { _ = try? paused.query("SELECT pg_wal_replay_resume()") }

        let load = try loadCensus("2026-11-17")
        #expect(load.status == 0, "\(load.stderr)")
        let (run, lsn) = try lastRun("census")
        let position = try #require(lsn)
        let late = "\(folder.path)/late"
        let byRun = try summary(["--wait-for-run", "\(run)", "--replay-timeout", "1"], environment: standby, output: late)
        #expect(byRun.status == 75, "\(byRun.stderr)")
        #expect(byRun.stderr.hasPrefix("summary: error: after 1 s, run \(run) is not on this standby yet"), "\(byRun.stderr)")
        #expect(byRun.stderr.contains("its replay is paused"), "\(byRun.stderr)")
        let byPosition = try summary(["--after-lsn", position, "--replay-timeout", "1"], environment: standby, output: late)
        #expect(byPosition.status == 75, "\(byPosition.stderr)")
        #expect(byPosition.stderr.contains("short of \(position) (WAL \(position))"), "\(byPosition.stderr)")
        let byPrimary = try summary(["--primary-url", primaryURL, "--replay-timeout", "1"], environment: standby, output: late)
        #expect(byPrimary.status == 75, "\(byPrimary.stderr)")
        #expect(byPrimary.stderr.contains("its replay is paused"), "\(byPrimary.stderr)")
        #expect(!FileManager.default.fileExists(atPath: late), "nothing is written while the standby lags")
        // Without a wait, the standby serves the state before the load: what the wait is for.
        let stale = try summary(environment: standby, output: "\(folder.path)/stale")
        #expect(stale.status == 0, "\(stale.stderr)")
        #expect(try files(in: "\(folder.path)/stale") == (try files(in: "\(folder.path)/before")))

        // A summary waiting when replay resumes reads the load whole, as the primary does.
        let buildFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let waiting = Process()
        waiting.executableURL = buildFolder.appendingPathComponent("summary")
        waiting.arguments = ["--output", "\(folder.path)/caught-up", "--primary-url", primaryURL, "--replay-timeout", "120"]
        waiting.environment = standby
        waiting.currentDirectoryURL = Repository.root
        waiting.standardError = FileHandle.nullDevice
        try waiting.run()
        usleep(1_500_000)
        #expect(waiting.isRunning, "the summary waits while replay is paused")
        try paused.query("SELECT pg_wal_replay_resume()")
        waiting.waitUntilExit()
        #expect(waiting.terminationStatus == 0)
        #expect(try summary(environment: database.environment, output: "\(folder.path)/primary").status == 0)
        #expect(try files(in: "\(folder.path)/caught-up") == (try files(in: "\(folder.path)/primary")))
    }

    @Test func test_waits_that_can_never_end_are_refused_at_once() throws {
        #expect(try loadPeople().status == 0)
        // A load that commits nothing (more rejects than --max-rejects) records no commit position.
        let bad = try folder.write("bad.csv", "39, Private\n")
        let rolledBack = try ingest(["census", bad, "--batch-date", "2026-11-18", "--data-dir", folder.path])
        #expect(rolledBack.status == 65, "\(rolledBack.stderr)")
        let (run, lsn) = try lastRun("census")
        #expect(lsn == nil)
        for environment in [database.environment, standby] {
            let refused = try summary(["--wait-for-run", "\(run)"], environment: environment, output: "\(folder.path)/out")
            // The standby may not have replayed the run's end yet: it waits for it, then refuses.
            #expect(refused.status == 64, "\(refused.stderr)")
            #expect(refused.stderr == "summary: error: run \(run) ended rolled_back: it committed nothing to wait for\n")
        }
        let unknown = try summary(["--wait-for-run", "999999"], environment: database.environment, output: "\(folder.path)/out")
        #expect(unknown.status == 64)
        #expect(unknown.stderr == "summary: error: run 999999 is not in ingest.runs\n")
        // On a standby that has replayed all it was sent, a run it does not have is unknown, not lag.
        let unknownOnStandby = try summary(["--wait-for-run", "999999", "--replay-timeout", "1"], environment: standby, output: "\(folder.path)/out")
        #expect(unknownOnStandby.status == 64, "\(unknownOnStandby.stderr)")
        #expect(unknownOnStandby.stderr.hasPrefix("summary: error: run 999999 is unknown: this standby has replayed everything its primary sent"), "\(unknownOnStandby.stderr)")
        let ahead = try summary(["--after-lsn", "FFFFFFFF/0"], environment: database.environment, output: "\(folder.path)/out")
        #expect(ahead.status == 64)
        #expect(ahead.stderr.hasPrefix("summary: error: WAL FFFFFFFF/0 is ahead of this server's WAL ("), "\(ahead.stderr)")
        let malformed = try summary(["--after-lsn", "0/xyz"], environment: database.environment, output: "\(folder.path)/out")
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("--after-lsn 0/xyz: not a WAL position"), "\(malformed.stderr)")
        // What summary cannot do on a standby it refuses before writing anything.
        let put = try summary(["--put"], environment: standby, output: "\(folder.path)/out")
        #expect(put.status == 78, "\(put.stderr)")
        #expect(put.stderr.contains("which a hot standby cannot write"), "\(put.stderr)")
        let notPrimary = try summary(
            ["--primary-url", "postgresql://postgres@127.0.0.1:\(standbyPort)/\(database.name)"], environment: standby, output: "\(folder.path)/out")
        #expect(notPrimary.status == 78, "\(notPrimary.stderr)")
        #expect(notPrimary.stderr == "summary: error: --primary-url names a hot standby, not the primary it follows\n")
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/out"))
    }
}
