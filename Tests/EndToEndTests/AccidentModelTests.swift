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

        // The model card: written by summary, as the summary role, when its reports run; its figures are the
        // database's.
        let card = try runTool("summary", [
            "accident_severity_balance", "accident_model_metrics", "accident_model_calibration", "accident_model_coefficients",
            "accident_attribute_severity", "--output", "\(folder.path)/card",
        ], environment: database.environment(as: "pgpipe_summary"))
        #expect(card.status == 0, "\(card.stderr)")
        let page = try String(contentsOfFile: "\(folder.path)/card/accident_model_card.html", encoding: .utf8)
        for heading in ["Class balance", "Against the baseline", "Confusion matrix, test split", "Calibration, test split",
                        "The coefficients that matter", "The inputs, by severity", "Missing values"] {
            #expect(page.contains("<h2>\(heading)</h2>") || page.contains("<h3>\(heading)</h3>"), "\(heading)")
        }
        #expect(!page.contains("<script") && !page.contains("src=") && !page.contains("href="), "self-contained, no script")
        let counts = try database.connect().query("""
            SELECT string_agg(to_char(n, 'FM999,999'), '|' ORDER BY severity)
            FROM (SELECT severity, count(*) AS n FROM accident.accidents WHERE severity IS NOT NULL GROUP BY severity) s
            """).rows[0].decode(String.self, 0)
        for (label, count) in zip(["Fatal", "Serious", "Slight"], counts.split(separator: "|")) {
            #expect(page.contains("<td class=\"text\">\(label)</td><td>\(count)</td>"), "class balance: \(label) \(count)")
        }
        let testRows = try metric("rows")
        let grouped = try database.connect().query("SELECT to_char(\(Int(testRows))::int, 'FM999,999')").rows[0].decode(String.self, 0)
        #expect(page.contains("measured here on the other \(grouped)"))
        let balanced = String(format: "%.3f", try metric("balanced_accuracy"))
        #expect(page.contains("<td class=\"text\">balanced accuracy (mean recall)</td><td>\(balanced)</td>"))
        // The confusion matrix adds up to the test split.
        let confusion = try database.connect().query(
            "SELECT sum(value)::int FROM accident.model_metrics WHERE predictor = 'model' AND split = 'test' AND metric = 'confusion'").rows[0].decode(Int.self, 0)
        #expect(confusion == Int(testRows))
        #expect(page.components(separatedBy: "<h3>").count - 1 == 1 + 1 + 8, "per severity, missing values, and one table per input")
    }
}
