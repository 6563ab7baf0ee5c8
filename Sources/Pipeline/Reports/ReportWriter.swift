import Foundation
import Postgres

/// Runs a report's query and writes its rows as NAME.json and NAME.csv in the output folder. Each file is
/// written beside its final name and renamed into place, so a reader never sees half a report.
public struct ReportWriter {
    let connection: Connection
    let outputDirectory: String

    public init(connection: Connection, outputDirectory: String) {
        self.connection = connection
        self.outputDirectory = outputDirectory
    }

    /// Writes the report; returns the paths written and the rows, for pages drawn from several reports.
    @discardableResult
    public func write(_ report: Report) throws -> (files: [String], result: QueryResult) {
        let result = try connection.query(report.sql)
        let json = try ReportFormat.json(result, shape: report.shape, report: report.name)
        let csv = ReportFormat.csv(result)
        let files = ["\(outputDirectory)/\(report.name).json", "\(outputDirectory)/\(report.name).csv"]
        try replaceFile(files[0], with: json)
        try replaceFile(files[1], with: csv)
        return (files, result)
    }

    /// Writes weekly_report.html from the results of the reports it is drawn from, when all of them ran.
    public func writeWeeklyPage(from results: [String: QueryResult]) throws -> String? {
        guard let summary = results["weekly_summary"], let shares = results["weekly_shares"] else { return nil }
        let path = "\(outputDirectory)/\(WeeklyReportPage.name)"
        try replaceFile(path, with: Array(WeeklyReportPage.render(summary: summary, shares: shares).utf8))
        return path
    }

    private func replaceFile(_ path: String, with bytes: [UInt8]) throws {
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: Data(bytes)) else {
            throw OutputError(path: partial, reason: "cannot write the report file")
        }
        guard rename(partial, path) == 0 else {
            throw OutputError(path: path, reason: "cannot move the report into place: \(String(cString: strerror(errno)))")
        }
    }
}

/// A report file that could not be written (exit status 73, EX_CANTCREAT).
public struct OutputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
