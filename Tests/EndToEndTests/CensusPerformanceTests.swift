import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct CensusPerformanceTests {
    @Test func test_metrics_equal_scikit_learn_and_batches_make_history() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        func load(_ file: String, _ date: String) throws {
            let run = try loadCensusBatch(file, date: date, into: database, folder: folder)
            #expect(run.status == 0, "\(run.stderr)")
        }
        try load("data/census/census_income_sample.csv", "2026-11-16")

        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: Repository.path("Tests/Fixtures/census_sklearn_metrics.json")))) as! [String: Any]
        let row = try database.connect().query("SELECT * FROM census.model_performance").rows[0]
        for name in ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "brier"] {
            let difference = abs(try row.decode(Double.self, name) - (expected[name] as! Double))
            // The scorer's probabilities differ from xgboost's by < 1e-9, so the metrics agree as closely.
            #expect(difference < 1e-7, "\(name) differs from scikit-learn by \(difference)")
        }
        for name in ["rows", "true_positives", "false_positives", "true_negatives", "false_negatives"] {
            #expect(try row.decode(Int.self, name) == expected[name] as! Int, "\(name)")
        }
        #expect(try row.decode(Double.self, "max_psi") == 0)
        #expect(try row.decode(Bool.self, "drifted") == false)

        // A second batch of only the people aged 50 and over: the same model, an older population.
        let older = try String(contentsOfFile: Repository.path("data/census/census_income_sample.csv"), encoding: .utf8)
            .split(separator: "\n").filter { Int($0.prefix { $0 != "," })! >= 50 }
        try load(try folder.write("older.csv", older.joined(separator: "\n") + "\n"), "2026-11-17")
        let history = try database.connect().query(
            "SELECT batch_date::text, reference_batch::text, rows, drifted FROM census.model_performance ORDER BY batch_date").rows
        #expect(try history.map { try $0.decode(String.self, 0) } == ["2026-11-16", "2026-11-17"])
        #expect(try history.map { try $0.decode(String.self, 1) } == ["2026-11-16", "2026-11-16"])
        #expect(try history[1].decode(Int.self, 2) == older.count)
        #expect(try history[1].decode(Bool.self, 3))
        let agePSI = try database.connect().query(
            "SELECT psi FROM census.feature_stability WHERE batch_date = '2026-11-17' AND feature = 'age'").rows[0]
        #expect(try agePSI.decode(Double.self, 0) > 0.2)

        // Reloading the second batch changes nothing in the history.
        let before = try database.connect().query("SELECT md5(string_agg(m::text, '|' ORDER BY batch_date)) FROM census.model_performance m").rows[0][0]
        try load(folder.path + "/older.csv", "2026-11-17")
        let after = try database.connect().query("SELECT md5(string_agg(m::text, '|' ORDER BY batch_date)) FROM census.model_performance m").rows[0][0]
        #expect(before == after)
    }
}
