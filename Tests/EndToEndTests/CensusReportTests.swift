import Crypto
import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct CensusReportTests {
    @Test func test_a_manifest_written_last_says_which_files_belong_to_the_run() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        #expect(try loadCensusBatch(Repository.path("data/census/census_income_sample.csv"), date: "2026-11-16", into: database, folder: folder).status == 0)
        let output = "\(folder.path)/reports"
        #expect(try runTool("summary", ["--output", output], environment: database.environment).status == 0)
        struct Manifest: Decodable {
            struct Snapshot: Decodable { let read_at: String; let loads: [String: Int] }
            struct File: Decodable { let name: String; let sha256: String; let bytes: Int }
            let snapshot: Snapshot
            let files: [File]
        }
        func manifest() throws -> Manifest {
            try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: "\(output)/summary_manifest.json")))
        }
        let whole = try manifest()
        let census = try database.connect().query("SELECT max(run_id) FROM ingest.runs WHERE dataset = 'census'").rows[0].decode(Int.self, 0)
        #expect(whole.snapshot.loads["census"] == census)
        let written = try FileManager.default.contentsOfDirectory(atPath: output).filter { $0 != "summary_manifest.json" }.sorted()
        #expect(whole.files.map(\.name).sorted() == written)
        for file in whole.files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(output)/\(file.name)"))
            #expect(bytes.count == file.bytes, "\(file.name)")
            #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == file.sha256, "\(file.name)")
        }
        // A run of one report vouches for its own files only; the others stay, not listed.
        #expect(try runTool("summary", ["weekly_summary", "--output", output], environment: database.environment).status == 0)
        #expect(try manifest().files.map(\.name) == ["weekly_summary.json", "weekly_summary.csv"])
    }

    @Test func test_weekly_reports_are_weighted_and_the_page_is_self_contained() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        let sample = Repository.path("data/census/census_income_sample.csv")
        let lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n")
        let firstHalf = try folder.write("half.csv", lines.prefix(5000).joined(separator: "\n") + "\n")
        // A day that drifts: only people with a bachelor's degree.
        let graduates = lines.filter { $0.split(separator: ",", omittingEmptySubsequences: false)[4] == " Bachelors degree(BA AB BS)" }
        let drifted = try folder.write("graduates.csv", graduates.joined(separator: "\n") + "\n")
        for (file, date) in [(sample, "2026-11-16"), (firstHalf, "2026-11-23"), (drifted, "2026-11-24")] {
            let run = try loadCensusBatch(file, date: date, into: database, folder: folder)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let summary = try runTool("summary", ["--output", folder.path], environment: database.environment)
        #expect(summary.status == 0, "\(summary.stderr)")

        // Independent figures for the second week: the first 5,000 records and the graduates, weighted by field 25.
        var weight = 0.0, weightedAge = 0.0, weightedOver = 0.0
        for line in lines.prefix(5000) + graduates {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let w = Double(fields[24])!
            weight += w
            weightedAge += w * Double(fields[0])!
            if fields[41] == "50000+." { weightedOver += w }
        }
        let weeks = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/weekly_summary.json"))) as! [[String: Any]]
        #expect(weeks.map { $0["week"] as! String } == ["2026-W47", "2026-W48"])
        let second = weeks[1]
        #expect(second["records"] as! Int == 5000 + graduates.count)
        #expect(abs((second["people"] as! Double) - weight) < 0.01)
        #expect(abs((second["age_mean"] as! Double) - weightedAge / weight) < 0.005)
        #expect(abs((second["share_over_50k"] as! Double) - weightedOver / weight) < 0.00005)

        let shares = try String(contentsOfFile: "\(folder.path)/weekly_shares.csv", encoding: .utf8)
        #expect(shares.contains("2026-W48,sex,Female,"))
        let predictions = try String(contentsOfFile: "\(folder.path)/census_predictions.csv", encoding: .utf8).split(separator: "\r\n")
        #expect(predictions.first == "batch_date,source_line,model,model_version,age,sex,marital_stat,education,tax_filer_stat,probability,predicted_over_50k")
        #expect(predictions.count == 1 + 15_000 + graduates.count)
        let performance = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/model_performance.json"))) as! [[String: Any]]
        #expect(performance.count == 3)
        // The drifting day is flagged, in the report, with the input that moved; the others are not.
        #expect(performance.map { $0["drifted"] as? Bool } == [false, false, true], "\(performance.map { ($0["batch_date"]!, $0["max_psi"]!) })")
        #expect(performance[2]["most_drifted_input"] as? String == "education")

        let page = try String(contentsOfFile: "\(folder.path)/weekly_report.html", encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        // Three weekly charts and four of the model's history; the categorical shares are bars.
        #expect(page.components(separatedBy: "<svg").count - 1 == 7)
        #expect(page.components(separatedBy: "<div class=\"bars\">").count - 1 == 5)
        #expect(page.contains("2026-W48"))
        // And on the page: in the summary at the top, in the table of flags, ringed on the charts.
        #expect(page.contains("<span class=\"flag\">1 of 3 days are flagged</span>"))
        #expect(page.contains("<tr><td>24 Nov</td><td class=\"flag\">inputs drifted: education moved most (PSI "))
        let charts = page.components(separatedBy: "<svg").suffix(4)
        #expect(charts.allSatisfy { $0.contains("class=\"flagged\"") }, "the flagged day ringed on each chart of the model's history")
        // Nothing to fetch or run: readable from a file without a server.
        #expect(!page.contains("<script"))
        #expect(!page.contains("src=") && !page.contains("href="))
    }
}
