import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct CensusReportTests {
    @Test func test_weekly_reports_are_weighted_and_the_page_is_self_contained() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        let sample = Repository.path("data/census/census_income_sample.csv")
        let lines = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n")
        let firstHalf = try folder.write("half.csv", lines.prefix(5000).joined(separator: "\n") + "\n")
        for (file, date) in [(sample, "2026-11-16"), (firstHalf, "2026-11-23")] {
            let run = try loadCensusBatch(file, date: date, into: database, folder: folder)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let summary = try runTool("summary", ["--output", folder.path], environment: database.environment)
        #expect(summary.status == 0, "\(summary.stderr)")

        // Independent figures for the second week: the first 5,000 records, weighted by field 25.
        var weight = 0.0, weightedAge = 0.0, weightedOver = 0.0
        for line in lines.prefix(5000) {
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
        #expect(second["records"] as! Int == 5000)
        #expect(abs((second["people"] as! Double) - weight) < 0.01)
        #expect(abs((second["age_mean"] as! Double) - weightedAge / weight) < 0.005)
        #expect(abs((second["share_over_50k"] as! Double) - weightedOver / weight) < 0.00005)

        let shares = try String(contentsOfFile: "\(folder.path)/weekly_shares.csv", encoding: .utf8)
        #expect(shares.contains("2026-W48,sex,Female,"))
        let predictions = try String(contentsOfFile: "\(folder.path)/census_predictions.csv", encoding: .utf8).split(separator: "\r\n")
        #expect(predictions.first == "batch_date,source_line,model,model_version,age,sex,marital_stat,education,tax_filer_stat,probability,predicted_over_50k")
        #expect(predictions.count == 1 + 15_000)
        let performance = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/model_performance.json"))) as! [[String: Any]]
        #expect(performance.count == 2)

        let page = try String(contentsOfFile: "\(folder.path)/weekly_report.html", encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.components(separatedBy: "<svg").count - 1 == 8)
        #expect(page.contains("2026-W48"))
        // Nothing to fetch or run: readable from a file without a server.
        #expect(!page.contains("<script"))
        #expect(!page.contains("src=") && !page.contains("href="))
    }
}
