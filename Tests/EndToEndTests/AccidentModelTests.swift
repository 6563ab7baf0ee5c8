import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct AccidentModelTests {
    @Test func test_severity_model_is_within_tolerance_of_scikit_learn_and_reports_are_written() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        let run = try runTool("ingest", ["accidents", "--rejects", "\(folder.path)/rejects.jsonl", "--quiet"], environment: database.environment)
        #expect(run.status == 0, "\(run.stderr)")

        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: Repository.path("Tests/Fixtures/accident_sklearn_metrics.json")))) as! [String: Any]
        func metric(_ name: String, _ predictor: String = "model") throws -> Double {
            try database.connect().query(
                "SELECT value FROM accident.model_metrics WHERE predictor = \(predictor) AND split = 'test' AND metric = \(name) AND severity IS NULL"
            ).rows[0].decode(Double.self, 0)
        }
        #expect(try metric("rows") == Double(expected["test_rows"] as! Int))
        #expect(abs(try metric("balanced_accuracy") - (expected["balanced_accuracy"] as! Double)) <= 0.02)
        #expect(abs(try metric("log_loss") - (expected["log_loss"] as! Double)) <= 0.02)
        #expect(abs(try metric("accuracy", "majority_class") - (expected["majority_accuracy"] as! Double)) < 1e-12)
        // Balancing the classes buys balanced accuracy over always answering "slight".
        #expect(try metric("balanced_accuracy") > metric("balanced_accuracy", "majority_class") + 0.05)

        let split = try database.connect().query(
            "SELECT split, count(*) FROM accident.predictions GROUP BY split ORDER BY split").rows
        #expect(try split.map { try $0.decode(Int.self, 1) } == [expected["test_rows"] as! Int, expected["train_rows"] as! Int])
        let model = try database.connect().query(
            "SELECT kind, reference_batch, json_array_length(definition->'features') = array_length(feature_names, 1) FROM ml.models").rows[0]
        #expect(try model.decode(String.self, 0) == "logistic_regression")
        #expect(try model.decode(String.self, 1).hasPrefix("ingest run "))
        #expect(try model.decode(Bool.self, 2))

        // Training again on the same files finds the same model: no new version, the same predictions.
        func fingerprint() throws -> String {
            try database.connect().query("""
                SELECT (SELECT count(*) FROM ml.models)::text || md5(string_agg(p::text, '|' ORDER BY accident_index))
                FROM accident.predictions p
                """).rows[0].decode(String.self, 0)
        }
        let once = try fingerprint()
        #expect(try runTool("ingest", ["accidents", "--rejects", "\(folder.path)/rejects.jsonl", "--quiet"], environment: database.environment).status == 0)
        #expect(try fingerprint() == once)

        let summary = try runTool("summary", ["accident_predictions", "accident_model_metrics", "accident_reconciliation", "--output", folder.path],
                                  environment: database.environment)
        #expect(summary.status == 0, "\(summary.stderr)")
        let predictions = try String(contentsOfFile: "\(folder.path)/accident_predictions.csv", encoding: .utf8).split(separator: "\r\n")
        #expect(predictions.first == "accident_index,split,actual_severity,predicted_severity,probability_fatal,probability_serious,probability_slight")
        #expect(predictions.count == 20_001)
        let metrics = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/accident_model_metrics.json"))) as! [[String: Any]]
        #expect(metrics.contains { $0["metric"] as? String == "confusion" && $0["predictor"] as? String == "majority_class" })
        let reconciliation = try String(contentsOfFile: "\(folder.path)/accident_reconciliation.csv", encoding: .utf8).split(separator: "\r\n")
        #expect(reconciliation.count > 250)
    }
}
