import Foundation
import Logging
import Failures
import Postgres
import Schema
@testable import Serving
import TestSupport
import Testing

@Suite struct PredictionLogTests {
    /// An entry the database refuses for its data (jsonb cannot hold \u0000) costs only itself: the rest of
    /// its batch is recorded, it is counted as dropped, and the batches after it are written as usual. A batch
    /// put back whole would fail again on every flush, and nothing would be recorded any more.
    @Test func test_an_entry_the_database_refuses_costs_only_itself() throws {
        let database = try ScratchDatabase()
        let migrate = try runTool("ingest", ["migrate"], environment: database.environment)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let connection = try database.connect()
        let id = try connection.query("""
            INSERT INTO ml.models (name, version, kind, sha256, feature_names, definition)
            VALUES ('test_model', 1, 'logistic_regression', repeat('a', 64), '{}', '{}') RETURNING model_id
            """).rows[0].decode(Int.self, 0)
        let metrics = ServeMetrics()
        let log = try PredictionLog(
            configuration: PostgresConfiguration(conninfo: "dbname=\(database.name) user=pgpipe_serve"), metrics: metrics,
            logger: Logger(label: "test"))
        for inputs in [#"{"n": 1}"#, #"{"n": "\u0000"}"#, #"{"n": 3}"#] {
            log.record(modelID: id, inputs: Array(inputs.utf8), output: Array(#"{"p": 0.5}"#.utf8))
        }
        #expect(!log.flush(), "one entry was refused")
        log.record(modelID: id, inputs: Array(#"{"n": 4}"#.utf8), output: Array(#"{"p": 0.5}"#.utf8))
        #expect(log.flush(), "the next batch is written")
        let recorded = try connection.query("SELECT string_agg(inputs ->> 'n', ',' ORDER BY inputs ->> 'n') FROM ml.served_predictions").rows[0]
        #expect(try recorded.decode(String.self, 0) == "1,3,4")
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains("pgpipe_serve_predictions_dropped_total 1"), "\(exposition)")
        #expect(exposition.contains("pgpipe_serve_predictions_recorded_total 3"), "\(exposition)")
    }

    /// With a journal, what a serve answered and had not recorded when it died is recorded by the next serve on
    /// the same file, once: here the first log records 100 entries, answers 200 more and is gone before its
    /// recorder writes them (as kill -9 leaves it: every line written, nothing flushed).
    @Test func test_a_journal_brings_back_what_a_killed_serve_had_not_recorded() throws {
        let database = try ScratchDatabase()
        #expect(try runTool("ingest", ["migrate"], environment: database.environment).status == 0)
        let connection = try database.connect()
        let id = try connection.query("""
            INSERT INTO ml.models (name, version, kind, sha256, feature_names, definition)
            VALUES ('test_model', 1, 'logistic_regression', repeat('a', 64), '{}', '{}') RETURNING model_id
            """).rows[0].decode(Int.self, 0)
        let folder = try TemporaryFolder()
        let journal = (path: "\(folder.path)/journal", sql: SQLFolder(root: Repository.path("sql")))
        let configuration = PostgresConfiguration(conninfo: "dbname=\(database.name) user=pgpipe_serve")
        func recorded() throws -> [String] {
            try connection.query("SELECT inputs ->> 'n' FROM ml.served_predictions ORDER BY (inputs ->> 'n')::int").rows.map { try $0.decode(String.self, 0) }
        }
        func answer(_ log: PredictionLog, _ numbers: ClosedRange<Int>) {
            for n in numbers { log.record(modelID: id, inputs: Array(#"{"n": \#(n), "text": "tab\there"}"#.utf8), output: Array(#"{"p": 0.5}"#.utf8)) }
        }
        do {
            let first = try PredictionLog(configuration: configuration, metrics: ServeMetrics(), logger: Logger(label: "test"), journal: journal)
            answer(first, 1...100)
            #expect(first.flush())
            answer(first, 101...300)
            // One serve per journal.
            let error = try #require(throws: ConfigurationError.self) {
                try PredictionLog(configuration: configuration, metrics: ServeMetrics(), logger: Logger(label: "test"), journal: journal)
            }
            #expect("\(error)".contains("another serve holds this journal"))
        }
        #expect(try recorded().count == 100)
        // The next serve may run on another host name (a container restarted on the same volume): the marks
        // are still found, by the earlier process's boot.
        try connection.query("UPDATE ml.served_journal_marks SET journal = 'another-host:' || journal")
        // A machine that died mid-write leaves a cut last line: it is left out, not misread.
        let segments = try FileManager.default.contentsOfDirectory(atPath: journal.path).filter { $0.hasSuffix(".journal") }
        #expect(segments.count == 1)
        let handle = try #require(FileHandle(forWritingAtPath: "\(journal.path)/\(segments[0])"))
        handle.seekToEndOfFile()
        handle.write(Data("\(segments[0].prefix(36))\t301\t2026-12-06 10:00:00+00\t1\t{\"n\"".utf8))
        handle.closeFile()

        do {
            let second = try PredictionLog(configuration: configuration, metrics: ServeMetrics(), logger: Logger(label: "test"), journal: journal)
            answer(second, 301...310)
            #expect(second.flush())
        }
        #expect(try recorded() == (1...310).map(String.init))
        #expect(try connection.query("SELECT count(*) FROM ml.served_predictions WHERE inputs ->> 'text' = 'tab' || chr(9) || 'here'").rows[0].decode(Int.self, 0) == 310)
        // Everything is recorded: only the segment being written was left (now closed), and a third serve
        // records nothing twice.
        #expect(try FileManager.default.contentsOfDirectory(atPath: journal.path).filter { $0.hasSuffix(".journal") }.count == 1)
        let third = try PredictionLog(configuration: configuration, metrics: ServeMetrics(), logger: Logger(label: "test"), journal: journal)
        answer(third, 311...311)
        #expect(third.flush())
        #expect(try recorded().count == 311)
    }

    /// A database that cannot be reached is tried again less and less often, with one log line, however many
    /// entries wait: retrying at once, forever, takes a core and writes thousands of log lines a second.
    @Test func test_a_database_down_is_retried_with_backoff_and_logged_once() throws {
        #expect(PredictionLog.pause(afterFailures: 0, interval: 1) == 1)
        for failures in 1...40 {
            let pause = PredictionLog.pause(afterFailures: failures, interval: 1)
            #expect(pause >= min(30, pow(2, Double(min(failures, 16)))) / 2 && pause <= 30, "after \(failures) failures: \(pause) s")
        }
        let lines = LogLines()
        let log = try PredictionLog(
            configuration: PostgresConfiguration(conninfo: "host=127.0.0.1 port=1 dbname=x connect_timeout=1"), capacity: 5000,
            metrics: ServeMetrics(), logger: Logger(label: "test") { _ in lines })
        for _ in 0..<2000 { log.record(modelID: 1, inputs: Array("{}".utf8), output: Array("{}".utf8)) }
        log.start(interval: 0.05)
        Thread.sleep(forTimeInterval: 2)
        log.stop()
        #expect(lines.warnings == 1, "\(lines.warnings) warnings in 2 s")
    }
}

/// Counts the warnings logged through it.
final class LogLines: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var warnings: Int { lock.withLock { count } }
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    func log(event: LogEvent) {
        if event.level == .warning { lock.withLock { count += 1 } }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
