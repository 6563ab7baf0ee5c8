import Foundation
import Formats

/// weekly_report.html: the weekly census statistics for the sales team and the model's performance over
/// time, as one self-contained page (inline SVG and CSS, no script, no link), drawn from the weekly_summary,
/// weekly_shares and model_performance reports. Laid out to fit a 390 px phone as well as a 1280 px screen:
/// charts scale with the page, legends and tables wrap.
public enum WeeklyReportPage: ReportPage {
    public static let name = "weekly_report.html"
    public static let sources = ["weekly_summary", "weekly_shares", "model_performance"]
    static let attributes = [("sex", "Sex"), ("education", "Education"), ("marital_stat", "Marital status"),
                             ("tax_filer_stat", "Tax filer status"), ("class_of_worker", "Class of worker")]
    static let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#bbbbbb"]

    public static func render(_ tables: [String: Table]) -> String {
        let summary = tables["weekly_summary"]!, shares = tables["weekly_shares"]!, performance = tables["model_performance"]!
        let weeks = summary.rows.map { $0["week"] ?? "" }
        func series(_ column: String) -> [Double?] { summary.rows.map { $0[column].flatMap(Double.init) } }
        let people = series("people"), over = series("share_over_50k")
        guard !weeks.isEmpty else {
            return page([headline(summary, performance), monitoring(performance)])
        }
        var sections = [headline(summary, performance), table(summary)]
        sections.append("<h2>Week by week</h2>")
        sections.append(Chart(title: "People represented", unit: "people", labels: weeks, series: [("people", people)],
                              format: Readable.people).svg)
        sections.append(Chart(title: "Share earning over 50,000", unit: "share of people", labels: weeks,
                              series: [("actual", over), ("predicted by the model", series("predicted_share_over_50k"))],
                              format: { Readable.percent($0) }, fromZero: true).svg)
        sections.append(Chart(title: "Age", unit: "years", labels: weeks,
                              series: [("mean", series("age_mean")), ("median", series("age_median")),
                                       ("first quartile", series("age_q1")), ("third quartile", series("age_q3"))],
                              format: { String(format: "%.0f", $0) }).svg)
        sections.append("<h2>Who they are, week by week</h2><p class=\"note\">Shares of the people represented; the five largest groups of each, the rest together.</p>")
        for (attribute, title) in attributes {
            sections.append(stackedBars(title: title, weeks: weeks, rows: shares.rows.filter { $0["attribute"] == attribute }))
        }
        sections.append(monitoring(performance))
        return page(sections)
    }

    private static func page(_ sections: [String]) -> String {
        """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Weekly census statistics</title>
            <style>
            *{box-sizing:border-box}
            body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:60em;padding:0 1em;color:#222;line-height:1.45}
            h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
            .lead{font-size:1.1em}.note{color:#555;font-size:.9em}
            table{border-collapse:collapse;font-size:.85em;width:100%}td,th{border-bottom:1px solid #ddd;padding:.25em .4em;text-align:right}
            th{background:#f3f3f3;font-weight:600}td:first-child,th:first-child{text-align:left}
            .up{color:#1a6a1a}.down{color:#a01010}.flag{color:#b00;font-weight:600}
            figure{margin:1.2em 0}figcaption{font-weight:600;margin-bottom:.2em}
            svg{width:100%;height:auto;display:block}svg text{font-size:13px;fill:#444}
            .legend{display:flex;flex-wrap:wrap;gap:.2em 1em;font-size:.85em;margin:.3em 0}
            .legend span{display:inline-flex;align-items:center;gap:.3em;overflow-wrap:anywhere}
            .legend i{display:inline-block;width:.8em;height:.8em;flex:none}
            .bars{display:grid;grid-template-columns:auto 1fr;gap:.25em .6em;align-items:center;font-size:.85em}
            .bar{display:flex;height:1.1em;min-width:0}.bar i{display:block;height:100%}
            @media (max-width:600px){.wide{display:none}}
            </style></head><body>
            <h1>Weekly census statistics</h1>
            \(sections.joined(separator: "\n"))
            </body></html>

            """
    }

    /// The plain-language summary at the top: the latest week against the one before, and the model.
    private static func headline(_ summary: Table, _ performance: Table) -> String {
        guard let last = summary.rows.last else { return "<p class=\"lead\">No census batch has been loaded yet.</p>" }
        let week = last["week"] ?? "", people = Double(last["people"] ?? "") ?? 0, share = Double(last["share_over_50k"] ?? "") ?? 0
        let days = dayRange(last["first_batch"], last["last_batch"])
        var text = "Week \(week.htmlEscaped)\(days.isEmpty ? "" : " (\(days))"): \(Readable.people(people)) people represented, \(Readable.percent(share)) earn over 50,000"
        if summary.rowCount > 1, let before = Double(summary.rows[summary.rowCount - 2]["share_over_50k"] ?? "") {
            let change = share - before
            text += abs(change) < 0.0005 ? ", as the week before" : ", \(change > 0 ? "up" : "down") \(String(format: "%.1f", abs(change) * 100)) points on the week before"
        }
        text += "."
        var model = ""
        if let latest = performance.rows.last, let accuracy = Double(latest["accuracy"] ?? "") {
            let flagged = performance.rows.filter { $0["drifted"] == "t" || $0["accuracy_dropped"] == "t" }
            model = " The model was \(Readable.percent(accuracy)) accurate on the latest day (\(day(latest["batch_date"])));"
            model += flagged.isEmpty ? " no day is flagged for drift or a drop in accuracy." : " <span class=\"flag\">\(flagged.count) of \(performance.rowCount) days are flagged</span> (see Model monitoring)."
        }
        return "<p class=\"lead\">\(text)\(model)</p><p class=\"note\">Per ISO week of the batch dates; every figure weighted by the records' instance weight. Predicted shares use the latest registered model.</p>"
    }

    private static func table(_ summary: Table) -> String {
        var previous: (people: Double, share: Double)?
        let rows = summary.rows.map { row -> String in
            let people = Double(row["people"] ?? "") ?? 0, share = Double(row["share_over_50k"] ?? "") ?? 0
            let predicted = Double(row["predicted_share_over_50k"] ?? "")
            func signed(_ text: String, _ value: Double) -> String { "<span class=\"\(value >= 0 ? "up" : "down")\">\(text)</span>" }
            let peopleChange = previous.map { signed(Readable.change(people / $0.people - 1), people - $0.people) } ?? "–"
            let shareChange = previous.map { signed(String(format: "%+.1f", (share - $0.share) * 100), share - $0.share) } ?? "–"
            previous = (people, share)
            return "<tr><td>\((row["week"] ?? "").htmlEscaped)</td><td>\(Readable.people(people))</td><td>\(peopleChange)</td>"
                + "<td class=\"wide\">\(Readable.count(Int(row["records"] ?? "") ?? 0))</td><td>\(Readable.percent(share))</td><td>\(shareChange)</td>"
                + "<td class=\"wide\">\(predicted.map { Readable.percent($0) } ?? "–")</td><td>\(String(format: "%.1f", Double(row["age_mean"] ?? "") ?? 0))</td></tr>"
        }
        return """
            <table><thead><tr><th>week</th><th>people</th><th>change</th><th class="wide">records</th><th>over 50k</th><th>change (points)</th><th class="wide">predicted</th><th>mean age</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table>
            """
    }

    /// One 100 % bar per week: the five largest groups (over all weeks) and the rest, with a legend giving
    /// each group's share in the latest week.
    private static func stackedBars(title: String, weeks: [String], rows: [Table.Row]) -> String {
        var totals: [String: Double] = [:]
        for row in rows { totals[row["category"] ?? "", default: 0] += Double(row["share"] ?? "") ?? 0 }
        let top = totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5).map(\.key)
        let groups = top + (totals.count > top.count ? ["all others"] : [])
        func share(_ week: String, _ group: String) -> Double {
            let shares = rows.filter { $0["week"] == week }
            if group == "all others" {
                return shares.filter { !top.contains($0["category"] ?? "") }.compactMap { Double($0["share"] ?? "") }.reduce(0, +)
            }
            return shares.first { $0["category"] == group }.flatMap { Double($0["share"] ?? "") } ?? 0
        }
        let latest = weeks.last ?? ""
        let legend = groups.enumerated().map { index, group in
            "<span><i style=\"background:\(colours[min(index, colours.count - 1)])\"></i>\(group.htmlEscaped) \(Readable.percent(share(latest, group)))</span>"
        }
        let bars = weeks.map { week in
            let segments = groups.enumerated().map { index, group -> String in
                let value = share(week, group)
                return "<i style=\"width:\(String(format: "%.2f", value * 100))%;background:\(colours[min(index, colours.count - 1)])\" title=\"\(group.htmlEscaped): \(Readable.percent(value))\"></i>"
            }
            return "<span>\(week.htmlEscaped)</span><div class=\"bar\">\(segments.joined())</div>"
        }
        return """
            <figure><figcaption>\(title.htmlEscaped)</figcaption>
            <div class="legend">\(legend.joined())</div><div class="bars">\(bars.joined())</div>
            <p class="note">Shares in \(latest.htmlEscaped), the latest week, beside each group.</p></figure>
            """
    }

    /// The model's performance per daily batch, flags marked.
    private static func monitoring(_ performance: Table) -> String {
        let rows = performance.rows.filter { $0["model"] == performance.rows.last?["model"] && $0["model_version"] == performance.rows.last?["model_version"] }
        guard !rows.isEmpty else { return "<h2>Model monitoring</h2><p>No batch has been scored yet.</p>" }
        let days = rows.map { day($0["batch_date"]) }
        func series(_ column: String) -> [Double?] { rows.map { $0[column].flatMap(Double.init) } }
        let flagged = rows.indices.filter { rows[$0]["drifted"] == "t" || rows[$0]["accuracy_dropped"] == "t" }
        let percent: (Double) -> String = { Readable.percent($0) }
        let flags = flagged.map { index -> String in
            let row = rows[index]
            var reasons: [String] = []
            if row["drifted"] == "t" {
                reasons.append("inputs drifted: \((row["most_drifted_input"] ?? "?").htmlEscaped) moved most (PSI \(String(format: "%.2f", Double(row["max_psi"] ?? "") ?? 0)), above 0.2)")
            }
            if row["accuracy_dropped"] == "t" {
                reasons.append("accuracy dropped to \(Readable.percent(Double(row["accuracy"] ?? "") ?? 0)) (\(String(format: "%+.1f", (Double(row["accuracy_change"] ?? "") ?? 0) * 100)) points against the reference day)")
            }
            return "<tr><td>\(days[index].htmlEscaped)</td><td class=\"flag\">\(reasons.joined(separator: "; "))</td></tr>"
        }
        let model = "\((rows[0]["model"] ?? "").htmlEscaped) version \((rows[0]["model_version"] ?? "").htmlEscaped)"
        return """
            <h2>Model monitoring</h2>
            <p>How \(model) did on each day's batch, measured against the incomes the batch recorded, and how far
            each day's inputs moved from the reference day (\(day(rows[0]["reference_batch"]).htmlEscaped)): the
            population stability index (PSI) of the input that moved most; above 0.2 the day is flagged.
            Flagged days are ringed in red.</p>
            \(flagged.isEmpty ? "<p>No day is flagged.</p>" : "<table><thead><tr><th>day</th><th>flag</th></tr></thead><tbody>\(flags.joined())</tbody></table>")
            \(Chart(title: "Accuracy and ROC AUC", unit: "score", labels: days, series: [("accuracy", series("accuracy")), ("ROC AUC", series("roc_auc"))], format: percent, flagged: flagged).svg)
            \(Chart(title: "Log loss (lower is better)", unit: "log loss", labels: days, series: [("log loss", series("log_loss"))], format: { String(format: "%.3f", $0) }, fromZero: true, flagged: flagged).svg)
            \(Chart(title: "Share predicted over 50,000 against the share that was", unit: "share of records", labels: days, series: [("actual", series("actual_positive_rate")), ("predicted", series("predicted_positive_rate"))], format: percent, fromZero: true, flagged: flagged).svg)
            \(Chart(title: "Largest input drift (PSI)", unit: "PSI", labels: days, series: [("largest PSI", series("max_psi"))], format: { String(format: "%.2f", $0) }, fromZero: true, flagged: flagged, threshold: 0.2).svg)
            """
    }

    /// 26 Oct, from 2026-10-26.
    static func day(_ iso: String?) -> String {
        guard let iso, let date = ISO8601DateFormatter.date(iso) else { return iso ?? "" }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(date.day) \(months[date.month - 1])"
    }

    static func dayRange(_ first: String?, _ last: String?) -> String {
        first == last ? day(first) : "\(day(first))–\(day(last))"
    }
}

private enum ISO8601DateFormatter {
    static func date(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return nil }
        return (parts[0], parts[1], parts[2])
    }
}

/// A line chart as inline SVG that scales with the page: labelled y axis with a unit, at most about eight
/// x labels, a legend in HTML (it wraps), flagged points ringed in red, an optional threshold line.
struct Chart {
    let title: String
    let unit: String
    let labels: [String]
    let series: [(String, [Double?])]
    let format: (Double) -> String
    var fromZero = false
    var flagged: [Int] = []
    var threshold: Double?

    static let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"]
    let width = 640.0, height = 260.0, left = 72.0, right = 16.0, top = 12.0, bottom = 40.0

    var svg: String {
        let values = series.flatMap { $0.1.compactMap { $0 } } + (threshold.map { [$0] } ?? [])
        var low = values.min() ?? 0, high = values.max() ?? 1
        if fromZero { low = min(low, 0) }
        if high - low < 1e-9 { high = low + (low == 0 ? 1 : abs(low) * 0.1) }
        let pad = (high - low) * 0.08
        high += pad
        if !fromZero { low -= pad }
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        // The first and last points stand in from the axes, so their labels (centred under them) fit.
        let inset = 36.0
        func x(_ index: Int) -> Double {
            labels.count < 2 ? left + plotWidth / 2 : left + inset + (plotWidth - 2 * inset) * Double(index) / Double(labels.count - 1)
        }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - low) / (high - low)) }
        var parts = [
            "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" stroke=\"#999\"/>",
            "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#999\"/>",
            "<text x=\"14\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(top + plotHeight / 2))\">\(unit.htmlEscaped)</text>",
        ]
        for step in 0...3 {
            let value = low + (high - low) * Double(step) / 3
            parts.append("<line x1=\"\(left - 4)\" y1=\"\(y(value))\" x2=\"\(left + plotWidth)\" y2=\"\(y(value))\" stroke=\"#eee\"/>")
            parts.append("<text x=\"\(left - 7)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">\(format(value).htmlEscaped)</text>")
        }
        let every = max(1, Int((Double(labels.count) / 7).rounded(.up)))
        for (index, label) in labels.enumerated() where index % every == 0 || index == labels.count - 1 && labels.count <= 7 {
            parts.append("<text x=\"\(x(index))\" y=\"\(height - 14)\" text-anchor=\"middle\">\(label.htmlEscaped)</text>")
        }
        if let threshold {
            parts.append("<line x1=\"\(left)\" y1=\"\(y(threshold))\" x2=\"\(left + plotWidth)\" y2=\"\(y(threshold))\" stroke=\"#b00\" stroke-dasharray=\"5 4\"/>")
        }
        for (number, (name, points)) in series.enumerated() {
            let colour = Self.colours[number % Self.colours.count]
            let coordinates = points.enumerated().compactMap { index, value in value.map { (index, x(index), y($0), $0) } }
            if coordinates.count > 1 {
                parts.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(coordinates.map { "\($0.1),\($0.2)" }.joined(separator: " "))\"/>")
            }
            for (index, cx, cy, value) in coordinates {
                parts.append("<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"3\" fill=\"\(colour)\"><title>\(labels[index].htmlEscaped), \(name.htmlEscaped): \(format(value).htmlEscaped)</title></circle>")
                if flagged.contains(index) { parts.append("<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"8\" fill=\"none\" stroke=\"#b00\" stroke-width=\"2\" class=\"flagged\"/>") }
            }
        }
        let legend = series.enumerated().map { number, entry in
            "<span><i style=\"background:\(Self.colours[number % Self.colours.count])\"></i>\(entry.0.htmlEscaped)</span>"
        } + (threshold.map { ["<span><i style=\"background:#b00\"></i>flag threshold \(format($0).htmlEscaped)</span>"] } ?? [])
        return """
            <figure><figcaption>\(title.htmlEscaped)</figcaption>
            <div class="legend">\(legend.joined())</div>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(title.htmlEscaped)">
            \(parts.joined(separator: "\n"))
            </svg></figure>
            """
    }
}
