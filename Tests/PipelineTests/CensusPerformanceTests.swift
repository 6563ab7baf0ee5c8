import Foundation
@testable import Pipeline
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
        try load(try folder.path + "/older.csv", "2026-11-17")
        let after = try database.connect().query("SELECT md5(string_agg(m::text, '|' ORDER BY batch_date)) FROM census.model_performance m").rows[0][0]
        #expect(before == after)
    }

    @Test func test_roc_auc_counts_ties_as_half() {
        // Positives at 0.8 and 0.4, negatives at 0.4 and 0.1: pairs (0.8>0.4, 0.8>0.1, 0.4=0.4, 0.4>0.1) → 3.5/4.
        #expect(ClassificationMetrics.rocAUC([0.8, 0.4, 0.4, 0.1], [true, true, false, false]) == 0.875)
        #expect(ClassificationMetrics.rocAUC([0.3, 0.2], [true, true]) == nil)
    }

    @Test func test_confusion_counts_and_rates_at_threshold() {
        let metrics = ClassificationMetrics(probabilities: [0.9, 0.5, 0.49, 0.1], actual: [true, false, true, false], threshold: 0.5)
        #expect((metrics.truePositives, metrics.falsePositives, metrics.trueNegatives, metrics.falseNegatives) == (1, 1, 1, 1))
        #expect(metrics.accuracy == 0.5 && metrics.precision == 0.5 && metrics.recall == 0.5 && metrics.f1 == 0.5)
        #expect(abs(metrics.brier - (0.01 + 0.25 + 0.2601 + 0.01) / 4) < 1e-12)
    }

    @Test func test_population_stability_index() {
        #expect(populationStabilityIndex(actual: ["a": 5, "b": 5], expected: ["a": 50, "b": 50]) == 0)
        // 0.6/0.4 against 0.5/0.5: (0.1)ln(1.2) + (-0.1)ln(0.8).
        let psi = populationStabilityIndex(actual: ["a": 6, "b": 4], expected: ["a": 5, "b": 5])
        #expect(abs(psi - (0.1 * log(1.2) - 0.1 * log(0.8))) < 1e-12)
        // A bucket the reference never had counts at the 0.0001 floor.
        let appeared = populationStabilityIndex(actual: ["a": 1, "c": 1], expected: ["a": 1])
        #expect(abs(appeared - ((0.5 - 1) * log(0.5) + (0.5 - 0.0001) * log(0.5 / 0.0001))) < 1e-12)
    }
}
