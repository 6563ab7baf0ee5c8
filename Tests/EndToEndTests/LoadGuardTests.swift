import Foundation
import Postgres
import TestSupport
import Testing

/// Loads that must not replace good data with bad: a stray quote, a much smaller delivery, a file of bad rows,
/// a census category in the wrong case, a batch date that is a typo, a model that is missing.
@Suite struct LoadGuardTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    let peopleData = Repository.path("data")
    let censusSample = Repository.path("data/census/census_income_sample.csv")

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    func loadPeople(_ people: String, _ extra: [String] = []) throws -> ToolRun {
        try runTool(
            "ingest", ["load", "people", "--file", "places=\(peopleData)/places.csv", "--file", "people=\(people)",
                       "--rejects", "\(folder.path)/rejects.jsonl", "--quiet"] + extra,
            environment: database.environment)
    }

    func scalar(_ sql: SQLQuery) throws -> String {
        try database.connect().query(sql).rows[0].decode(String.self, 0)
    }

    /// The real people.csv's first `rows` data lines, with line `strayQuoteLine` (1-based, header = 1) starting with a quote.
    func peopleFile(rows: Int, strayQuoteLine: Int? = nil) throws -> String {
        var lines = try String(contentsOfFile: "\(peopleData)/people.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .prefix(rows + 1).map(String.init)
        if let strayQuoteLine { lines[strayQuoteLine - 1] = "\"" + lines[strayQuoteLine - 1] }
        return try folder.write("people-\(rows)-\(strayQuoteLine ?? 0).csv", lines.joined(separator: "\n") + "\n")
    }

    @Test func test_a_stray_quote_costs_its_line_not_the_rest_of_the_file() throws {
        #expect(try loadPeople(try peopleFile(rows: 10_000)).status == 0)
        let run = try loadPeople(try peopleFile(rows: 10_000, strayQuoteLine: 11), ["--max-rejects", "1"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stdout == "read 10114, loaded 10113, rejected 1\n")
        #expect(try scalar("SELECT count(*)::text FROM people.people") == "9999")
        let reject = try database.connect().query("SELECT line, reason, length(raw) FROM ingest.rejects").rows
        #expect(reject.count == 1)
        #expect(try reject[0].decode(Int.self, 0) == 11)
        #expect(try reject[0].decode(String.self, 1).contains("a quoted field opened on line 11 is never closed; the record is taken to end with line 11, and reading resumes on line 12"))
        #expect(try reject[0].decode(Int.self, 2) < 100, "the reject holds its line, not the file")
        #expect(try scalar("SELECT string_agg(lines::text, ',' ORDER BY input) FROM ingest.run_sources WHERE run_id = 2") == "10001,115")
    }

    @Test func test_a_stray_quote_closed_lines_later_still_costs_one_line() throws {
        // The stray quote on line 3 runs to the opening quote of line 5's first field: a record of the wrong shape.
        let file = try folder.write("people.csv", """
            given_name,family_name,date_of_birth,place_of_birth
            Ada,Lovelace,1815-12-10,Kelso
            "Stray,Quote,1900-01-01,Kelso
            Alan,Turing,1912-06-23,Kelso
            "Grace",Hopper,1906-12-09,Kelso

            """)
        let run = try loadPeople(file, ["--max-rejects", "1"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stdout == "read 118, loaded 117, rejected 1\n")
        #expect(try scalar("SELECT string_agg(given_name, ',' ORDER BY source_line) FROM people.people") == "Ada,Alan,Grace")
        #expect(try scalar("SELECT reason FROM ingest.rejects").hasPrefix("a quoted field opened on line 3 runs past its line"))
    }

    @Test func test_a_stray_quote_in_a_file_with_cr_line_ends_costs_its_line() throws {
        let lines = ["given_name,family_name,date_of_birth,place_of_birth", "Ada,Lovelace,1815-12-10,Kelso",
                     "\"Stray,Quote,1900-01-01,Kelso", "Alan,Turing,1912-06-23,Kelso", "Grace,Hopper,1906-12-09,Kelso"]
        let run = try loadPeople(try folder.write("cr.csv", lines.joined(separator: "\r") + "\r"), ["--max-rejects", "1"])
        #expect(run.stdout == "read 118, loaded 117, rejected 1\n", "\(run.stderr)")
        #expect(try scalar("SELECT line || ' ' || reason FROM ingest.rejects").hasPrefix("3 a quoted field opened on line 3 is never closed"))
        #expect(try scalar("SELECT lines::text FROM ingest.run_sources WHERE input = 'people'") == "5")
    }

    @Test func test_a_stray_quote_before_a_huge_line_stays_within_the_bound() throws {
        // A quote, a line break, then 8 MiB without one: the record is cut 1 MiB past the line break.
        let huge = String(repeating: "x", count: 8 << 20)
        let file = try folder.write("huge.csv", "given_name,family_name,date_of_birth,place_of_birth\n\"Stray,Quote,1900-01-01,Kelso\n\(huge)\nAda,Lovelace,1815-12-10,Kelso\n")
        let run = try loadPeople(file, ["--max-rejects", "5"])
        #expect(run.status == 65, "\(run.stderr)")
        let reasons = try database.connect().query("SELECT line || ' ' || reason FROM ingest.rejects ORDER BY line").rows.map { try $0.decode(String.self, 0) }
        #expect(reasons.first?.hasPrefix("2 a quoted field opened on line 2 is not closed within 1 MiB") == true, "\(reasons)")
        #expect(try scalar("SELECT string_agg(given_name, ',') FROM people.people") == "Ada")
    }

    @Test func test_a_much_smaller_load_is_refused_unless_allowed() throws {
        #expect(try loadPeople(try peopleFile(rows: 10_000)).status == 0)
        let small = try peopleFile(rows: 100)
        let refused = try loadPeople(small)
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("people: the load would keep 100 rows where run 1 loaded 10000 (1 %, under the shrink limit of 50 %): refused, the previous load is kept"), "\(refused.stderr)")
        #expect(try scalar("SELECT count(*)::text FROM people.people") == "10000")
        #expect(try scalar("SELECT status || ' ' || rows_loaded FROM ingest.runs WHERE run_id = 2") == "refused 0")
        #expect(try loadPeople(small, ["--shrink-limit", "1"]).status == 0)
        #expect(try scalar("SELECT count(*)::text FROM people.people") == "100")
        // 10 people after 100: refused under a 90 % limit (places.csv, unchanged, is compared on its own).
        #expect(try loadPeople(try peopleFile(rows: 10), ["--shrink-limit", "90"]).status == 65)
        let allowed = try loadPeople(try peopleFile(rows: 10), ["--allow-shrink"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try scalar("SELECT count(*)::text FROM people.people") == "10")
    }

    @Test func test_past_max_rejects_rejects_are_counted_not_stored() throws {
        let bad = (1...2_000).map { "Name\($0),X,1900-02-30,Kelso" }.joined(separator: "\n")
        let file = try folder.write("bad.csv", "given_name,family_name,date_of_birth,place_of_birth\n\(bad)\n")
        let run = try loadPeople(file, ["--max-rejects", "5"])
        #expect(run.status == 65)
        #expect(run.stdout == "read 2114, loaded 0, rejected 2000, rolled back 114 (1895 rejects counted, not stored)\n")
        #expect(try scalar("SELECT count(*)::text FROM ingest.rejects") == "105")
        #expect(try String(contentsOfFile: "\(folder.path)/rejects.jsonl", encoding: .utf8).split(separator: "\n").count == 105)
        #expect(try scalar("SELECT rows_rejected || ' ' || rejects_not_stored || ' ' || message FROM ingest.runs")
            == "2000 1895 2000 rejected rows (1895 of them counted but not stored) exceed --max-rejects 5; the load rolled back and the database is unchanged")
    }

    @Test func test_usage_errors_for_limits_and_repeated_files() throws {
        let tooMany = try runTool("ingest", ["load", "people", "--max-rejects", "2147483648"], environment: database.environment)
        #expect(tooMany.status == 64)
        #expect(tooMany.stderr.contains("--max-rejects must be at most 2147483647"), "\(tooMany.stderr)")
        let twice = try runTool("ingest", ["load", "people", "--file", "people=a.csv", "--file", "people=b.csv"], environment: database.environment)
        #expect(twice.status == 64)
        #expect(twice.stderr.contains("--file people=... is given more than once"), "\(twice.stderr)")
        let empty = try runTool("ingest", ["load", "people", "--file", "people="], environment: database.environment)
        #expect(empty.status == 64, "\(empty.stderr)")
        let share = try runTool("ingest", ["load", "people", "--shrink-limit", "150"], environment: database.environment)
        #expect(share.status == 64)
    }

    /// The sample's first line with `change` applied to its fields.
    func censusLine(_ change: (inout [String]) -> Void = { _ in }) throws -> String {
        let good = try String(contentsOfFile: censusSample, encoding: .utf8).split(separator: "\n")[0]
        var fields = good.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        change(&fields)
        return fields.joined(separator: ",")
    }

    @Test func test_census_category_differing_only_in_case_is_rejected() throws {
        let file = try folder.write("batch.csv", [
            try censusLine(), try censusLine { $0[12] = " female" }, try censusLine { $0[12] = " FEMALE " },
            try censusLine { $0[12] = "Female  " },
        ].joined(separator: "\n") + "\n")
        let run = try loadCensusBatch(file, date: "2026-11-20", into: database, folder: folder, ["--max-rejects", "5", "--no-score"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stdout == "read 4, loaded 2, rejected 2\n")
        let reasons = try database.connect().query("SELECT line || ' ' || field || ': ' || reason FROM ingest.rejects ORDER BY line").rows
            .map { try $0.decode(String.self, 0) }
        #expect(reasons == [
            "2 sex: category \"female\" differs from the known \"Female\" only in upper and lower case",
            "3 sex: category \"FEMALE\" differs from the known \"Female\" only in upper and lower case",
        ])
        // A spelling first seen in a row rejected for another reason does not become the known one.
        let poisoned = try folder.write("poisoned.csv", [try censusLine { $0[12] = " MALE"; $0[24] = " -1" }, try censusLine { $0[12] = " Male" }]
            .joined(separator: "\n") + "\n")
        let clean = try loadCensusBatch(poisoned, date: "2026-11-22", into: database, folder: folder, ["--max-rejects", "5", "--no-score"])
        #expect(clean.stdout == "read 2, loaded 1, rejected 1\n", "\(clean.stderr)")
        // Known labels come from the database too, in a later batch.
        let later = try loadCensusBatch(try folder.write("later.csv", try censusLine { $0[12] = " female" } + "\n"),
                                        date: "2026-11-21", into: database, folder: folder, ["--max-rejects", "5", "--no-score"])
        #expect(later.stdout == "read 1, loaded 0, rejected 1\n")
        #expect(try scalar("SELECT string_agg(label, ',' ORDER BY id) FROM census.sex") == "Female,Male")
    }

    @Test func test_negative_census_weight_is_a_reject_not_a_failed_batch() throws {
        let file = try folder.write("batch.csv", [try censusLine(), try censusLine { $0[24] = " -1032.38" }, try censusLine { $0[24] = " -0.00" }]
            .joined(separator: "\n") + "\n")
        let run = try loadCensusBatch(file, date: "2026-11-20", into: database, folder: folder, ["--max-rejects", "1", "--no-score"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stdout == "read 3, loaded 2, rejected 1\n")
        #expect(try scalar("SELECT field || ': ' || reason FROM ingest.rejects") == "instance_weight: -1032.38 is below 0")
    }

    @Test func test_batch_dates_outside_the_window_need_forcing() throws {
        for date in ["2999-01-01", "0001-01-01"] {
            let run = try loadCensusBatch(censusSample, date: date, into: database, folder: folder, ["--no-score"])
            #expect(run.status == 64)
            #expect(run.stderr.contains("--batch-date \(date) is outside 1970-01-01..."), "\(run.stderr)")
        }
        let load = try runTool("ingest", ["load", "census", "--batch", "2999-01-01"], environment: database.environment)
        #expect(load.status == 64)
        let forced = try loadCensusBatch(censusSample, date: "1969-12-31", into: database, folder: folder, ["--no-score", "--any-batch-date"])
        #expect(forced.status == 0, "\(forced.stderr)")
    }

    @Test func test_a_missing_model_stops_the_census_load_before_it_changes_anything() throws {
        let run = try loadCensusBatch(censusSample, date: "2026-11-20", into: database, folder: folder, ["--model", "/no/such/model.json"])
        #expect(run.status == 66, "\(run.stderr)")
        #expect(run.stderr.contains("/no/such/model.json: no such model file"), "\(run.stderr)")
        let batches = try database.connect().query("SELECT count(*) FROM pg_tables WHERE schemaname = 'census'").rows[0].decode(Int.self, 0) == 0
            ? 0 : try database.connect().query("SELECT count(*) FROM census.persons").rows[0].decode(Int.self, 0)
        #expect(batches == 0)
    }

    @Test func test_scoring_a_batch_that_was_never_loaded_is_an_input_error() throws {
        #expect(try loadCensusBatch(censusSample, date: "2026-11-20", into: database, folder: folder, ["--no-score"]).status == 0)
        let run = try runTool("ingest", ["score", "--batch-date", "2026-11-19"], environment: database.environment)
        #expect(run.status == 66, "\(run.stderr)")
        #expect(run.stderr.contains("census batch 2026-11-19: no such batch"), "\(run.stderr)")
    }

    @Test func test_scores_and_their_performance_row_commit_together() throws {
        // Batch A is scored first and becomes the reference; reloading it removes its predictions, so measuring
        // batch B against it fails: B's predictions must not stay without their performance row.
        #expect(try loadCensusBatch(censusSample, date: "2026-11-20", into: database, folder: folder).status == 0)
        #expect(try loadCensusBatch(censusSample, date: "2026-11-20", into: database, folder: folder, ["--no-score"]).status == 0)
        #expect(try loadCensusBatch(censusSample, date: "2026-11-21", into: database, folder: folder, ["--no-score"]).status == 0)
        let run = try runTool("ingest", ["score", "--batch-date", "2026-11-21"], environment: database.environment)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("batch 2026-11-20 has no predictions"), "\(run.stderr)")
        #expect(try scalar("SELECT count(*)::text FROM census.predictions WHERE batch_date = '2026-11-21'") == "0")
        #expect(try scalar("SELECT count(*)::text FROM census.model_performance WHERE batch_date = '2026-11-21'") == "0")
    }

    @Test func test_a_batch_whose_scoring_fails_keeps_its_previous_load_and_scores() throws {
        // A is the reference; B is loaded and scored against it. A reloaded unscored has no predictions, so
        // scoring B again fails: B's reload must roll back whole, its previous rows and scores kept.
        #expect(try loadCensusBatch(censusSample, date: "2026-11-20", into: database, folder: folder).status == 0)
        #expect(try loadCensusBatch(censusSample, date: "2026-11-21", into: database, folder: folder).status == 0)
        let before = try scalar("SELECT count(*) || ' ' || sum(probability) FROM census.predictions WHERE batch_date = '2026-11-21'")
        let persons: SQLQuery = "SELECT md5(string_agg(p::text, '|' ORDER BY source_line)) FROM census.persons p WHERE batch_date = '2026-11-21'"
        let rowsBefore = try scalar(persons)
        #expect(try loadCensusBatch(censusSample, date: "2026-11-20", into: database, folder: folder, ["--no-score"]).status == 0)
        let changed = try folder.write("changed.csv", try String(contentsOfFile: censusSample, encoding: .utf8).replacingOccurrences(of: "Never married", with: "Married-civilian spouse present"))
        let run = try loadCensusBatch(changed, date: "2026-11-21", into: database, folder: folder)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("batch 2026-11-20 has no predictions"), "\(run.stderr)")
        #expect(try scalar("SELECT count(*) || ' ' || sum(probability) FROM census.predictions WHERE batch_date = '2026-11-21'") == before)
        #expect(try scalar(persons) == rowsBefore)
        #expect(try scalar("SELECT count(*)::text FROM census.model_performance WHERE batch_date = '2026-11-21'") == "1")
        #expect(try scalar("SELECT status || ' ' || rows_loaded FROM ingest.runs ORDER BY run_id DESC LIMIT 1") == "failed 0")
    }

    @Test func test_a_load_held_up_by_a_reader_left_open_names_it_and_gives_up() throws {
        #expect(try loadPeople(try peopleFile(rows: 100)).status == 0)
        // A report session left open in its transaction, holding the read gate the load's swap must take.
        let reader = try database.connect()
        try reader.query("SET application_name = 'forgotten-report'")
        try reader.execute(script: "BEGIN; LOCK TABLE ingest.read_gate_people IN ACCESS SHARE MODE")
        let run = try loadPeople(try peopleFile(rows: 100), ["--lock-timeout", "3"])
        #expect(run.status == 75, "\(run.stderr)")
        let pid = try reader.query("SELECT pg_backend_pid()").rows[0].decode(Int.self, 0)
        #expect(run.stderr.contains("waiting for a lock held by session \(pid) (role "), "\(run.stderr)")
        #expect(run.stderr.contains("application forgotten-report"), "\(run.stderr)")
        #expect(run.stderr.contains("ingest: error: gave up waiting for a lock held by session \(pid) ("), "\(run.stderr)")
        #expect(try scalar("SELECT status || ' ' || rows_loaded FROM ingest.runs ORDER BY run_id DESC LIMIT 1") == "failed 0")
        try reader.execute(script: "COMMIT")
        #expect(try loadPeople(try peopleFile(rows: 100)).status == 0)
    }
}
