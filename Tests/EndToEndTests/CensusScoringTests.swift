import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct CensusScoringTests {
    @Test func test_every_probability_matches_xgboost_within_1e_6() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        let run = try loadCensusBatch(date: "2026-11-20", into: database, folder: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("10000 rows, 0 with a category the model does not know"))

        var reference: [Int: Double] = [:]
        for line in try String(contentsOfFile: Repository.path("Tests/Fixtures/census_xgboost_probabilities.csv"), encoding: .utf8)
            .split(separator: "\n") where line.first?.isNumber == true {
            let parts = line.split(separator: ",")
            reference[Int(parts[0])!] = Double(parts[1])!
        }
        #expect(reference.count == 10_000)
        let rows = try database.connect().query(
            "SELECT source_line, probability, predicted_over_50k FROM census.predictions ORDER BY source_line").rows
        #expect(rows.count == 10_000)
        var worst = 0.0
        for row in rows {
            let line = try row.decode(Int.self, 0), probability = try row.decode(Double.self, 1)
            worst = max(worst, abs(probability - reference[line]!))
            #expect(try row.decode(Bool.self, 2) == (probability >= 0.5))
        }
        #expect(worst <= 1e-6, "largest difference from xgboost: \(worst)")
    }

    @Test func test_rescoring_replaces_the_batch_predictions_and_reregistering_finds_the_model() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        let load = try loadCensusBatch(date: "2026-11-20", into: database, folder: folder)
        #expect(load.status == 0)
        let before = try database.connect().query("SELECT md5(string_agg(p::text, '|' ORDER BY source_line)) FROM census.predictions p").rows[0][0]
        let score = try runTool("ingest", ["score", "--batch-date", "2026-11-20"], environment: database.environment)
        #expect(score.status == 0, "\(score.stderr)")
        #expect(score.stdout == "scored 10000, unknown category 0\n")
        let after = try database.connect().query("SELECT md5(string_agg(p::text, '|' ORDER BY source_line)) FROM census.predictions p").rows[0][0]
        #expect(before == after)
        #expect(try database.connect().query("SELECT count(*) FROM ml.models").rows[0].decode(Int.self, 0) == 1)
        let sha = try database.connect().query("SELECT sha256 = encode(sha256(convert_to(definition::text, 'UTF8')), 'hex') FROM ml.models").rows[0]
        #expect(try sha.decode(Bool.self, 0))
    }
}
