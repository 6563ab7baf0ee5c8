import Foundation
import Logging
import Postgres
@testable import Serving
import TestSupport
import Testing

@Suite struct PredictionLogTests {
    /// An entry the database refuses for its data (jsonb cannot hold \u0000) costs only itself: the rest of
    /// its batch is recorded, it is counted as dropped, and the batches after it are written as usual (before,
    /// the batch went back to the queue and failed again on every flush, so nothing was recorded any more).
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
        let log = PredictionLog(
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
}
