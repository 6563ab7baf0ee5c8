import Foundation
import Postgres
import TestSupport
import Testing

/// `ingest census` on the 10,000-row sample: every record, NULL exactly where the file says `?`, batches that
/// accumulate and reloads that change nothing.
@Suite struct CensusLoadTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    let sample = Repository.path("data/census/census_income_sample.csv")

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    func loadBatch(_ date: String, file: String? = nil, _ extra: [String] = []) throws -> ToolRun {
        try loadCensusBatch(file ?? sample, date: date, into: database, folder: folder, extra)
    }

    func scalar(_ sql: SQLQuery) throws -> String {
        try database.connect().query(sql).rows[0].decode(String.self, 0)
    }

    func fingerprint() throws -> String {
        let tables = ["census.persons"] + (try database.connect().query(
            "SELECT 'census.' || tablename FROM pg_tables WHERE schemaname = 'census' AND tablename <> 'persons' ORDER BY 1"
        ).rows.map { try $0.decode(String.self, 0) })
        return try tables.map { try scalar("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \(unescaped: $0) t") }
            .joined(separator: ",")
    }

    @Test func test_sample_loads_every_record_with_null_for_each_question_mark() throws {
        let run = try loadBatch("2026-11-20")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "read 10000, loaded 10000, rejected 0\n")
        #expect(try scalar("SELECT count(*)::text FROM census.persons") == "10000")

        // An independent count: fields that are `?` once trimmed, per column, straight from the file.
        let lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n")
        var questionMarks = [Int](repeating: 0, count: 42)
        for line in lines {
            for (index, field) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated()
            where field.trimmingCharacters(in: .whitespaces) == "?" {
                questionMarks[index] += 1
            }
        }
        #expect(questionMarks.reduce(0, +) > 20_000)
        let columns = try database.connect().query(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'census.persons'::regclass AND attnum > 3 AND NOT attisdropped ORDER BY attnum"
        ).rows.map { try $0.decode(String.self, 0) }
        #expect(columns.count == 42)
        for (index, column) in columns.enumerated() {
            let nulls = try scalar("SELECT count(*)::text FROM census.persons WHERE \(identifier: column) IS NULL")
            #expect(Int(nulls) == questionMarks[index], "\(column)")
        }
    }

    @Test func test_values_are_trimmed_and_lookups_keep_the_files_spelling() throws {
        #expect(try loadBatch("2026-11-20").status == 0)
        #expect(try scalar("SELECT spelling FROM census.sex WHERE label = 'Female'") == " Female")
        #expect(try scalar("SELECT count(*)::text FROM census.citizenship WHERE spelling LIKE '% '") == "1")
        let first = try database.connect().query(
            "SELECT age, class_of_worker, education, instance_weight::text, income_over_50k, year FROM census.persons_labelled WHERE source_line = 1"
        ).rows[0]
        #expect(try first.decode(Int.self, 0) == 38)
        #expect(try first.decode(String.self, 1) == "Private")
        #expect(try first.decode(String.self, 2) == "1st 2nd 3rd or 4th grade")
        #expect(try first.decode(String.self, 3) == "1032.38")
        #expect(try first.decode(Bool.self, 4) == false)
        #expect(try first.decode(Int.self, 5) == 95)
        let positives = try scalar("SELECT count(*)::text FROM census.persons WHERE income_over_50k")
        let expected = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n").filter { $0.hasSuffix(" 50000+.") }.count
        #expect(Int(positives) == expected)
    }

    @Test func test_reloading_a_batch_changes_nothing_and_batches_accumulate() throws {
        #expect(try loadBatch("2026-11-20").status == 0)
        let once = try fingerprint()
        #expect(try loadBatch("2026-11-20").status == 0)
        #expect(try fingerprint() == once)
        #expect(try loadBatch("2026-11-21").status == 0)
        let batches = try database.connect().query(
            "SELECT batch_date::text, count(*) FROM census.persons GROUP BY 1 ORDER BY 1").rows
        #expect(try batches.map { try $0.decode(String.self, 0) } == ["2026-11-20", "2026-11-21"])
        #expect(try batches.map { try $0.decode(Int.self, 1) } == [10_000, 10_000])
        #expect(try scalar("SELECT string_agg(batch, ',' ORDER BY run_id) FROM ingest.runs") == "2026-11-20,2026-11-20,2026-11-21")
    }

    @Test func test_bad_census_lines_are_rejected_with_reasons() throws {
        let good = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n")[0]
        let fields = good.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func line(_ change: (inout [String]) -> Void) -> String {
            var copy = fields
            change(&copy)
            return copy.joined(separator: ",")
        }
        let file = try folder.write("batch.csv", [
            String(good),
            line { $0.removeLast() },                      // 41 fields
            line { $0.append(" extra") },                  // 43 fields
            line { $0[0] = " forty" },                     // age not a number
            line { $0[24] = " 12,5" },                     // breaks the field count too
            line { $0[41] = " maybe." },                   // unknown label
            line { $0[16] = " -5" },                       // negative capital gains
            line { $0[0] = " ?" },                         // age is required
        ].joined(separator: "\n") + "\n")
        let run = try loadBatch("2026-11-20", file: file, ["--max-rejects", "10"])
        #expect(run.status == 65)
        #expect(run.stdout == "read 8, loaded 1, rejected 7\n")
        let reasons = try database.connect().query("SELECT line, coalesce(field, ''), reason FROM ingest.rejects ORDER BY line").rows
        #expect(try reasons.map { "\(try $0.decode(Int.self, 0)) \(try $0.decode(String.self, 1)): \(try $0.decode(String.self, 2))" } == [
            "2 : expected 42 fields, found 41",
            "3 : expected 42 fields, found 43",
            "4 age: not a whole number",
            "5 : expected 42 fields, found 43",
            "6 income_over_50k: \"maybe.\" is not one of \"- 50000.\", \"50000+.\"",
            "7 capital_gains: -5 is outside 0...2147483647",
            "8 age: not a whole number",
        ])
    }

    @Test func test_an_empty_batch_loads_nothing_and_replaces_the_batch() throws {
        let empty = try folder.write("empty.csv", "")
        // A new date with an empty day file: an export that failed, not a day without records.
        let fresh = try loadBatch("2026-11-19", file: empty)
        #expect(fresh.status == 65, "\(fresh.stderr)")
        #expect(fresh.stderr.contains("census: the file is empty: an empty delivery is refused; give --allow-shrink if it is right"), "\(fresh.stderr)")
        #expect(try scalar("SELECT string_agg(status || ' ' || rows_loaded, ',') FROM ingest.runs") == "refused 0")
        #expect(try loadBatch("2026-11-20").status == 0)
        #expect(try loadBatch("2026-11-20", file: empty).status == 65, "refused: far smaller than the batch's last load")
        #expect(try scalar("SELECT count(*)::text FROM census.persons") == "10000")
        let run = try loadBatch("2026-11-20", file: empty, ["--allow-shrink"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "read 0, loaded 0, rejected 0\n")
        #expect(run.stderr.contains("batch 2026-11-20 has no records"))
        for table in ["census.persons", "census.predictions", "census.model_performance"] {
            #expect(try scalar("SELECT count(*)::text FROM \(unescaped: table)") == "0", "\(table)")
        }
    }

    @Test func test_batch_date_must_be_a_real_date() throws {
        let run = try loadBatch("2026-02-30")
        #expect(run.status == 64)
        #expect(run.stderr.contains("expected a real date written YYYY-MM-DD"))
    }
}
