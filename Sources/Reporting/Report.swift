import Failures
import Foundation

/// A report: one SQL query in `sql/reports/NAME.sql`, written as NAME.json and NAME.csv. Comment lines at
/// the top describe it; `-- format: object` makes the JSON an object of the first column to the second
/// (`{"Scotland":8048,...}`) instead of an array of row objects.
public struct Report: Sendable {
    public enum Shape: Sendable {
        case rows
        case object
    }

    public let name: String
    public let sql: String
    public let shape: Shape
    /// The first comment line, for `summary --list`.
    public let description: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
        let header = sql.split(separator: "\n").prefix { $0.hasPrefix("--") }.map {
            $0.dropFirst(2).trimmingCharacters(in: .whitespaces)
        }
        shape = header.contains("format: object") ? .object : .rows
        description = header.first { !$0.hasPrefix("format:") } ?? ""
    }
}

/// Why reports cannot be run as asked: an unknown name, a report whose rows do not fit its format.
public struct ReportError: FailureDescribing {
    public let description: String
    public var failure: Failure { .usage }
}

/// The reports in a folder, one `.sql` file each, in name order.
public struct ReportCatalog: Sendable {
    public let reports: [Report]

    public init(directory: String) throws {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw InputError(path: directory, reason: "cannot list the reports folder")
        }
        reports = try files.filter { $0.hasSuffix(".sql") }.sorted().map { file in
            guard let sql = try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8) else {
                throw InputError(path: "\(directory)/\(file)", reason: "cannot read the report as UTF-8")
            }
            return Report(name: String(file.dropLast(4)), sql: sql)
        }
    }

    /// The reports named, in the order named; all of them when `names` is empty.
    public func select(_ names: [String]) throws -> [Report] {
        if names.isEmpty { return reports }
        return try names.map { name in
            guard let report = reports.first(where: { $0.name == name }) else {
                let known = reports.map(\.name).joined(separator: ", ")
                throw ReportError(description: "no report named \"\(name)\"; reports are: \(known)")
            }
            return report
        }
    }
}
