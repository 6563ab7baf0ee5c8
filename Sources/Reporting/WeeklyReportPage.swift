import Foundation
import Formats

/// weekly_report.html: the weekly census statistics for the sales team as one self-contained page (inline
/// SVG charts and CSS, no script, no server), drawn from the weekly_summary and weekly_shares reports.
public enum WeeklyReportPage: ReportPage {
    public static let name = "weekly_report.html"
    /// The reports the page is drawn from.
    public static let sources = ["weekly_summary", "weekly_shares"]

    public static func render(_ tables: [String: Table]) -> String {
        render(summary: tables["weekly_summary"]!, shares: tables["weekly_shares"]!)
    }

    public static func render(summary: Table, shares: Table) -> String {
        let weeks = summary.rows.map { $0["week"] ?? "" }
        func series(_ column: String) -> [Double?] { summary.rows.map { $0[column].flatMap(Double.init) } }
        var sections = [
            LineChart(title: "People represented (weighted by instance weight)", weeks: weeks,
                      series: [("people", series("people"))], percent: false).svg,
            LineChart(title: "Age: weighted mean and quartiles", weeks: weeks,
                      series: [("mean", series("age_mean")), ("first quartile", series("age_q1")),
                               ("median", series("age_median")), ("third quartile", series("age_q3"))], percent: false).svg,
            LineChart(title: "Share with income over 50000", weeks: weeks,
                      series: [("actual", series("share_over_50k")), ("predicted", series("predicted_share_over_50k"))],
                      percent: true).svg,
        ]
        let attributes = ["sex", "education", "marital_stat", "tax_filer_stat", "class_of_worker"]
        for attribute in attributes {
            let rows = shares.rows.filter { $0["attribute"] == attribute }
            // The five categories with the largest total share draw a line each.
            var totals: [String: Double] = [:]
            for row in rows { totals[row["category"] ?? "", default: 0] += Double(row["share"] ?? "") ?? 0 }
            let top = totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map(\.key)
            let lines = top.map { category in
                (category, weeks.map { week in
                    rows.first { $0["week"] == week && $0["category"] == category }.flatMap { $0["share"] }.flatMap(Double.init) ?? 0
                } as [Double?])
            }
            sections.append(LineChart(title: "Shares by \(attribute.replacingOccurrences(of: "_", with: " "))",
                                      weeks: weeks, series: lines, percent: true).svg)
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Weekly census statistics</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:980px;color:#222}
            h1{font-size:1.5em}figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.3em}
            table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}
            th{background:#f3f3f3}text{font-size:11px;fill:#444}
            </style></head><body>
            <h1>Weekly census statistics</h1>
            <p>Per ISO week of the batch dates, every figure weighted by the records' instance weight.
            Predicted shares use the latest registered model.</p>
            \(table(summary))
            \(sections.joined(separator: "\n"))
            </body></html>

            """
    }

    private static func table(_ result: Table) -> String {
        let head = result.columns.map { "<th>\($0.name.htmlEscaped)</th>" }.joined()
        let body = result.rows.map { row in
            "<tr>" + result.columns.indices.map { "<td>\((row[$0] ?? "").htmlEscaped)</td>" }.joined() + "</tr>"
        }.joined(separator: "\n")
        return "<table><thead><tr>\(head)</tr></thead><tbody>\n\(body)\n</tbody></table>"
    }
}

/// A small SVG line chart: weeks along the bottom, one polyline per series, a legend, min and max marked.
struct LineChart {
    let title: String
    let weeks: [String]
    let series: [(String, [Double?])]
    let percent: Bool

    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"]
    let width = 900.0, height = 260.0, left = 70.0, right = 200.0, top = 15.0, bottom = 35.0

    var svg: String {
        let values = series.flatMap { $0.1.compactMap { $0 } }
        var low = min(values.min() ?? 0, 0), high = values.max() ?? 1
        if high == low { high = low + 1 }
        low = percent ? 0 : low
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ index: Int) -> Double { weeks.count < 2 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(weeks.count - 1) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - low) / (high - low)) }
        func label(_ value: Double) -> String { percent ? String(format: "%.1f%%", value * 100) : String(format: "%.6g", value) }
        var parts = [
            "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" stroke=\"#999\"/>",
            "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#999\"/>",
            "<text x=\"\(left - 6)\" y=\"\(y(high) + 4)\" text-anchor=\"end\">\(label(high))</text>",
            "<text x=\"\(left - 6)\" y=\"\(y(low) + 4)\" text-anchor=\"end\">\(label(low))</text>",
        ]
        for (index, week) in weeks.enumerated() {
            parts.append("<text x=\"\(x(index))\" y=\"\(height - 12)\" text-anchor=\"middle\">\(week.htmlEscaped)</text>")
        }
        for (number, (name, points)) in series.enumerated() {
            let colour = Self.colours[number % Self.colours.count]
            let coordinates = points.enumerated().compactMap { index, value in value.map { "\(x(index)),\(y($0))" } }
            parts.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(coordinates.joined(separator: " "))\"/>")
            for coordinate in coordinates {
                let xy = coordinate.split(separator: ",")
                parts.append("<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(colour)\"/>")
            }
            let legendY = top + 14 + Double(number) * 18
            parts.append("<rect x=\"\(width - right + 12)\" y=\"\(legendY - 9)\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>")
            parts.append("<text x=\"\(width - right + 28)\" y=\"\(legendY)\">\(String(name.prefix(25)).htmlEscaped)</text>")
        }
        return """
            <figure><figcaption>\(title.htmlEscaped)</figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(title.htmlEscaped)">
            \(parts.joined(separator: "\n"))
            </svg></figure>
            """
    }
}
