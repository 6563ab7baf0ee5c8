/// A self-contained HTML page drawn from reports that ran in the same snapshot: written as `name` beside
/// them when every one of its `sources` ran.
public protocol ReportPage {
    static var name: String { get }
    /// The reports the page is drawn from, by name.
    static var sources: [String] { get }
    /// The page, from the sources' tables (each present).
    static func render(_ tables: [String: Table]) -> String
}

/// The pages `summary` writes.
public let reportPages: [any ReportPage.Type] = [WeeklyReportPage.self, AccidentModelCard.self]
