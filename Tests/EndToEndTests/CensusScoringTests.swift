import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct CensusScoringTests {
    @Test func test_every_probability_matches_xgboost_within_1e_6() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        // The scoring's line is a detail of the load's: logged at debug.
        let run = try loadCensusBatch(date: "2026-11-20", into: database, folder: folder, ["--log-level", "debug"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("10000 rows, 0 with a category the model does not know"))

        let reference = try Self.xgboostProbabilities()
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

    @Test func test_a_reference_batch_never_scored_is_refused_before_it_is_stored() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        #expect(try loadCensusBatch(date: "2026-11-20", into: database, folder: folder).status == 0)
        let bogus = try runTool("ingest", ["score", "--batch-date", "2026-11-20", "--reference-batch", "2020-01-01"], environment: database.environment)
        #expect(bogus.status == 66)
        #expect(bogus.stderr.contains("census batch 2020-01-01: --reference-batch: census_income_xgboost v1 has scored no such batch"), "\(bogus.stderr)")
        #expect(try database.connect().query("SELECT reference_batch FROM ml.models").rows[0][0] == "2026-11-20")
        // Later batches score against the reference the model had.
        let next = try loadCensusBatch(date: "2026-11-21", into: database, folder: folder)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try database.connect().query("SELECT count(*) FROM census.model_performance").rows[0].decode(Int.self, 0) == 2)
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

    /// Each batch's predictions reference that batch's own records (checking the key at the swap reads one
    /// batch, not every batch kept): a prediction of a record that is not there is refused; reloading a batch
    /// takes its predictions with it and leaves the other batches' alone; scoring it again brings them back.
    @Test func test_a_batch_predictions_reference_its_own_records_and_go_with_them() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        for date in ["2026-11-20", "2026-11-21"] { #expect(try loadCensusBatch(date: date, into: database, folder: folder).status == 0) }
        let connection = try database.connect()
        let keys = try connection.query("""
            SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
            WHERE contype = 'f' AND conrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'census.predictions'::regclass)
              AND confrelid <> 'ml.models'::regclass AND conparentid = 0 ORDER BY 1
            """).rows.map { "\(try $0.decode(String.self, 0)) -> \(try $0.decode(String.self, 1))" }
        #expect(keys == ["census.predictions_20261120 -> census.persons_20261120", "census.predictions_20261121 -> census.persons_20261121"])
        let orphan = try #require(throws: PostgresError.self) {
            try connection.query("""
                INSERT INTO census.predictions (model_id, batch_date, source_line, age, unknown_category, probability, predicted_over_50k)
                SELECT model_id, '2026-11-21', 10001, 40, false, 0.5, true FROM ml.models
                """)
        }
        #expect(orphan.sqlState == "23503", "\(orphan)")
        let count: SQLQuery = "SELECT batch_date::text || ':' || count(*) FROM census.predictions GROUP BY batch_date ORDER BY 1"
        let reload = try loadCensusBatch(date: "2026-11-20", into: database, folder: folder, ["--no-score"])
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(try connection.query(count).rows.map { try $0.decode(String.self, 0) } == ["2026-11-21:10000"])
        let score = try runTool("ingest", ["score", "--batch-date", "2026-11-20"], environment: database.environment)
        #expect(score.status == 0, "\(score.stderr)")
        #expect(try connection.query(count).rows.map { try $0.decode(String.self, 0) } == ["2026-11-20:10000", "2026-11-21:10000"])
    }

    /// Categories the model has no column for (here an education first seen in this file, spelled with a
    /// backslash, on rows of the second and last blocks the scorer makes) are scored with none of that
    /// input's columns set, flagged and counted, and their spelling stored as the file has it.
    @Test func test_a_category_the_model_does_not_know_is_flagged_counted_and_stored_as_spelled() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        var lines = try String(contentsOfFile: Repository.path("data/census/census_income_sample.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in [1500, 9999] {
            var fields = lines[line - 1].components(separatedBy: ", ")
            fields[4] = #"Self\taught"#
            lines[line - 1] = fields.joined(separator: ", ")
        }
        let file = try folder.write("census.csv", Array(lines.joined(separator: "\n").utf8))
        let run = try loadCensusBatch(file, date: "2026-11-20", into: database, folder: folder, ["--log-level", "debug"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("10000 rows, 2 with a category the model does not know"), "\(run.stderr)")
        let flagged = try database.connect().query(
            "SELECT source_line, education FROM census.predictions WHERE unknown_category ORDER BY source_line").rows
        #expect(try flagged.map { try $0.decode(Int.self, 0) } == [1500, 9999])
        #expect(try flagged.map { try $0.decode(String.self, 1).trimmingCharacters(in: .whitespaces) } == [#"Self\taught"#, #"Self\taught"#])
        // Every other row scored as xgboost scored the untouched sample.
        let reference = try Self.xgboostProbabilities()
        let others = try database.connect().query(
            "SELECT source_line, probability FROM census.predictions WHERE NOT unknown_category ORDER BY source_line").rows
        #expect(others.count == 9_998)
        for row in others {
            let line = try row.decode(Int.self, 0)
            #expect(abs(try row.decode(Double.self, 1) - reference[line]!) <= 1e-6, "line \(line)")
        }
    }

    /// xgboost's probability for each line of the census sample (Tests/Fixtures, written by the reference).
    static func xgboostProbabilities() throws -> [Int: Double] {
        var reference: [Int: Double] = [:]
        for line in try String(contentsOfFile: Repository.path("Tests/Fixtures/census_xgboost_probabilities.csv"), encoding: .utf8)
            .split(separator: "\n") where line.first?.isNumber == true {
            let parts = line.split(separator: ",")
            reference[Int(parts[0])!] = Double(parts[1])!
        }
        return reference
    }
}
