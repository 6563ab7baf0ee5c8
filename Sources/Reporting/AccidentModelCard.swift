import Foundation
import Formats
import Scoring

/// accident_model_card.html: the accident-severity model's card, the exploratory analysis behind it and how
/// well it does, as one self-contained page (inline CSS and SVG, no script): class balance, the baseline, the
/// confusion matrix, calibration, the coefficients that matter, each input's distribution by severity and
/// its missing share. Every figure comes from a report of the same snapshot, read from Postgres with SQL.
public enum AccidentModelCard: ReportPage {
    public static let name = "accident_model_card.html"
    public static let sources = [
        "accident_severity_balance", "accident_model_metrics", "accident_model_calibration",
        "accident_model_coefficients", "accident_attribute_severity",
    ]
    static let severities = AccidentSeverityModel.severities.map(\.name)
    static let colours = ["fatal": "#b2182b", "serious": "#ef8a62", "slight": "#67a9cf"]

    public static func render(_ tables: [String: Table]) -> String {
        let balance = tables["accident_severity_balance"]!, metrics = tables["accident_model_metrics"]!
        guard metrics.rowCount > 0 else {
            return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Accident severity model card</title></head>
                <body style="font-family:system-ui,sans-serif;margin:2em auto;max-width:40em;padding:0 1em">
                <h1>Accident severity model card</h1>
                <p>No accident severity model has been trained yet: `ingest accidents` loads the accident sources and
                trains it, and the next `summary` writes its card here.</p>
                </body></html>

                """
        }
        let version = metrics.rows.first?["model_version"] ?? "?"
        let known = balance.rows.compactMap { Int($0["accidents"] ?? "") }.reduce(0, +)
        let train = balance.rows.compactMap { Int($0["train"] ?? "") }.reduce(0, +)
        let test = balance.rows.compactMap { Int($0["test"] ?? "") }.reduce(0, +)
        let body = [
            """
            <h1>Accident severity model card <small>accident_severity_logistic, version \(version.htmlEscaped)</small></h1>
            <p>A multinomial logistic regression that gives, for a road accident, the probability that it was fatal,
            serious or slight, from eight attributes recorded at the scene (police force, whether an officer attended,
            light, weather, road surface, special conditions, carriageway hazards, urban or rural). It was trained on
            \(count(train)) of the \(count(known)) accidents of known severity (a seeded split stratified by severity) and is
            measured here on the other \(count(test)). It is a first model for exploring what the attributes say about
            severity, not a tool for decisions about people or places.</p>
            """,
            classBalance(balance),
            baseline(metrics),
            confusion(metrics),
            calibration(tables["accident_model_calibration"]!),
            coefficients(tables["accident_model_coefficients"]!),
            attributes(tables["accident_attribute_severity"]!),
        ]
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Accident severity model card</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:62em;padding:0 1em;color:#222;line-height:1.45}
            h1{font-size:1.45em}h1 small{font-size:.6em;color:#555;font-weight:normal;display:block}
            h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:1em;margin-bottom:.3em}
            .scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.88em;margin:.5em 0}
            td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right;vertical-align:middle}
            th{background:#f3f3f3}td.text,th.text{text-align:left}
            .bar{display:flex;height:.9em;min-width:8em;background:#eee}.bar span{display:block;height:100%}
            .legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em;vertical-align:-.05em}
            .note{color:#555;font-size:.92em}svg text{font-size:11px;fill:#444}
            </style></head><body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    // MARK: sections

    private static func classBalance(_ balance: Table) -> String {
        let rows = balance.rows.map { row in
            let share = number(row["share"])
            return "<tr><td class=\"text\">\(text(row["label"]))</td><td>\(count(row["accidents"]))</td><td>\(percent(share))</td>"
                + "<td>\(count(row["train"]))</td><td>\(count(row["test"]))</td><td class=\"text\">\(bar([(severityName(row["label"]), share)]))</td></tr>"
        }
        let rarest = balance.rows.min { number($0["share"]) < number($1["share"]) }
        return """
            <h2>Class balance</h2>
            <p>\(text(rarest?["label"])) accidents are \(percent(number(rarest?["share"]))) of the accidents of known severity:
            a model can be right most of the time by never predicting them, so accuracy alone says little here.</p>
            <div class="scroll"><table><thead><tr><th class="text">severity</th><th>accidents</th><th>share</th><th>train</th><th>test</th><th></th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div>
            """
    }

    private static func baseline(_ metrics: Table) -> String {
        func value(_ predictor: String, _ metric: String) -> Double {
            number(metrics.rows.first { $0["predictor"] == predictor && $0["split"] == "test" && $0["metric"] == metric && $0["severity"] == nil }?["value"])
        }
        let names = [("accuracy", "accuracy", true), ("balanced_accuracy", "balanced accuracy (mean recall)", true),
                     ("macro_f1", "macro F1", true), ("log_loss", "log loss (lower is better)", false)]
        let rows = names.map { metric, label, _ in
            "<tr><td class=\"text\">\(label)</td><td>\(fixed(value("model", metric)))</td><td>\(fixed(value("majority_class", metric)))</td></tr>"
        }
        let perClass = severities.map { severity -> String in
            func of(_ metric: String) -> Double {
                number(metrics.rows.first { $0["predictor"] == "model" && $0["split"] == "test" && $0["metric"] == metric && severityName($0["severity"]) == severity }?["value"])
            }
            return "<tr><td class=\"text\">\(severity)</td><td>\(fixed(of("precision")))</td><td>\(fixed(of("recall")))</td></tr>"
        }
        let better = names.filter { metric, _, higher in
            higher ? value("model", metric) > value("majority_class", metric) : value("model", metric) < value("majority_class", metric)
        }.map(\.1)
        return """
            <h2>Against the baseline</h2>
            <p>The baseline always predicts the most common severity. On the test split the model does better on
            \(better.isEmpty ? "none of these measures" : better.joined(separator: ", ")); accuracy rewards the baseline's
            choice to always answer the majority class.</p>
            <div class="scroll"><table><thead><tr><th class="text">test split</th><th>model</th><th>majority class</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div>
            <h3>Per severity, test split</h3>
            <div class="scroll"><table><thead><tr><th class="text">severity</th><th>precision</th><th>recall</th></tr></thead>
            <tbody>\(perClass.joined())</tbody></table></div>
            """
    }

    private static func confusion(_ metrics: Table) -> String {
        let cells = metrics.rows.filter { $0["predictor"] == "model" && $0["split"] == "test" && $0["metric"] == "confusion" }
        func cell(_ actual: String, _ predicted: String) -> Double {
            number(cells.first { severityName($0["actual_severity"]) == actual && severityName($0["severity"]) == predicted }?["value"])
        }
        let rows = severities.map { actual -> String in
            let total = severities.map { cell(actual, $0) }.reduce(0, +)
            let tds = severities.map { predicted -> String in
                let share = total > 0 ? cell(actual, predicted) / total : 0
                return "<td style=\"background:rgba(31,119,180,\(String(format: "%.2f", share * 0.8)))\">\(count(Int(cell(actual, predicted))))<br><small>\(percent(share))</small></td>"
            }
            return "<tr><th class=\"text\">\(actual)</th>\(tds.joined())<td>\(count(Int(total)))</td></tr>"
        }
        return """
            <h2>Confusion matrix, test split</h2>
            <p class="note">Rows: the severity recorded; columns: the severity with the highest probability. Each cell's
            share is of its row (the recall of that row's severity on the diagonal).</p>
            <div class="scroll"><table><thead><tr><th class="text">recorded ↓ predicted →</th>\(severities.map { "<th>\($0)</th>" }.joined())<th>total</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div>
            """
    }

    private static func calibration(_ table: Table) -> String {
        let width = 440.0, height = 300.0, left = 50.0, bottom = 40.0, top = 10.0, right = 26.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ value: Double) -> Double { left + plotWidth * value }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value) }
        var parts = [
            "<line x1=\"\(x(0))\" y1=\"\(y(0))\" x2=\"\(x(1))\" y2=\"\(y(1))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>",
            "<line x1=\"\(x(0))\" y1=\"\(y(0))\" x2=\"\(x(1))\" y2=\"\(y(0))\" stroke=\"#666\"/>",
            "<line x1=\"\(x(0))\" y1=\"\(y(0))\" x2=\"\(x(0))\" y2=\"\(y(1))\" stroke=\"#666\"/>",
            "<text x=\"\(x(0.5))\" y=\"\(height - 6)\" text-anchor=\"middle\">mean predicted probability</text>",
            "<text x=\"12\" y=\"\(y(0.5))\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(y(0.5)))\">share that had it</text>",
        ]
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            parts.append("<text x=\"\(x(tick))\" y=\"\(y(0) + 14)\" text-anchor=\"middle\">\(Int(tick * 100)) %</text>")
            parts.append("<text x=\"\(x(0) - 6)\" y=\"\(y(tick) + 4)\" text-anchor=\"end\">\(Int(tick * 100)) %</text>")
        }
        var gaps: [String] = []
        for severity in severities {
            let points = table.rows.filter { $0["severity"] == severity }
                .map { (predicted: number($0["mean_predicted"]), observed: number($0["observed"]), accidents: number($0["accidents"])) }
            let colour = colours[severity]!
            let coordinates = points.map { "\(x($0.predicted)),\(y($0.observed))" }.joined(separator: " ")
            parts.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(coordinates)\"/>")
            for point in points {
                parts.append("<circle cx=\"\(x(point.predicted))\" cy=\"\(y(point.observed))\" r=\"\(String(format: "%.1f", 2 + min(6, sqrt(point.accidents) / 8)))\" fill=\"\(colour)\"><title>\(severity): predicted \(percent(point.predicted)), observed \(percent(point.observed)), \(count(Int(point.accidents))) accidents</title></circle>")
            }
            // Expected calibration error: the gap between predicted and observed, weighted by accidents.
            let total = points.map(\.accidents).reduce(0, +)
            let error = total > 0 ? points.map { abs($0.predicted - $0.observed) * $0.accidents }.reduce(0, +) / total : 0
            gaps.append("\(severity) \(String(format: "%.1f", error * 100)) points")
        }
        return """
            <h2>Calibration, test split</h2>
            <p>Accidents grouped by tenth of predicted probability, per severity: where the points leave the diagonal,
            the probability is not a frequency. The weighted gap between predicted and observed (expected calibration
            error) is \(gaps.joined(separator: ", ")). Use the probabilities to rank accidents, not as chances, unless
            they are recalibrated.</p>
            <p class="legend">\(severities.map { "<span style=\"background:\(colours[$0]!)\"></span>\($0)" }.joined())</p>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" style="max-width:\(Int(width))px;width:100%" role="img" aria-label="calibration plot">
            \(parts.joined(separator: "\n"))
            </svg>
            """
    }

    private static func coefficients(_ table: Table) -> String {
        let largest = table.rows.map { number($0["spread"]) }.max() ?? 1
        let rows = table.rows.map { row -> String in
            let weights = severities.map { severity -> String in
                let value = number(row[severity])
                return "<td style=\"color:\(value >= 0 ? "#1a6a1a" : "#a01010")\">\(String(format: "%+.2f", value))</td>"
            }
            return "<tr><td class=\"text\">\(text(row["attribute"]).replacingOccurrences(of: "_", with: " "))</td><td class=\"text\">\(text(row["label"]))</td>"
                + weights.joined() + "<td>\(fixed(number(row["spread"]), digits: 2))</td><td class=\"text\">\(bar([("spread", number(row["spread"]) / largest)]))</td></tr>"
        }
        return """
            <h2>The coefficients that matter</h2>
            <p class="note">The \(table.rowCount) input values whose weights differ most between severities (log-odds; each
            input value is a 0/1 feature, so a weight is what that value adds to a severity's score). A value's effect
            is relative: what moves a prediction is how its three weights differ.</p>
            <div class="scroll"><table><thead><tr><th class="text">input</th><th class="text">value</th>\(severities.map { "<th>\($0)</th>" }.joined())<th>spread</th><th></th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></div>
            """
    }

    private static func attributes(_ table: Table) -> String {
        let attributes = table.rows.compactMap { $0["attribute"] }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let missing = attributes.map { attribute -> String in
            let share = number(table.rows.first { $0["attribute"] == attribute && $0["code"] == nil }?["share_of_accidents"])
            return "<tr><td class=\"text\">\(attribute.replacingOccurrences(of: "_", with: " ").htmlEscaped)</td><td>\(percent(share))</td></tr>"
        }
        let sections = attributes.map { attribute -> String in
            let rows = table.rows.filter { $0["attribute"] == attribute }.map { row -> String in
                let shares = severities.map { ($0, number(row["\($0)_share"])) }
                return "<tr><td class=\"text\">\(text(row["label"]))</td><td>\(count(row["accidents"]))</td><td>\(percent(number(row["share_of_accidents"])))</td>"
                    + "<td>\(percent(shares[0].1))</td><td>\(percent(shares[1].1))</td><td class=\"text\">\(bar(shares))</td></tr>"
            }
            return """
                <h3>\(attribute.replacingOccurrences(of: "_", with: " ").htmlEscaped)</h3>
                <div class="scroll"><table><thead><tr><th class="text">value</th><th>accidents</th><th>share</th><th>fatal</th><th>serious</th><th class="text">fatal · serious · slight</th></tr></thead>
                <tbody>\(rows.joined())</tbody></table></div>
                """
        }
        return """
            <h2>The inputs, by severity</h2>
            <p>How each input's values are spread over the accidents of known severity, and the share of each value's
            accidents that were fatal, serious and slight. <em>missing</em> is an accident with no value: the DfT's code -1
            (data missing or out of range) or no source with the field; the model scores it with no column set.</p>
            <h3>Missing values</h3>
            <div class="scroll"><table><thead><tr><th class="text">input</th><th>missing</th></tr></thead><tbody>\(missing.joined())</tbody></table></div>
            <p class="legend">\(severities.map { "<span style=\"background:\(colours[$0]!)\"></span>\($0)" }.joined())</p>
            \(sections.joined(separator: "\n"))
            """
    }

    // MARK: pieces

    /// A horizontal bar of parts (name, fraction of the whole).
    private static func bar(_ parts: [(String, Double)]) -> String {
        let spans = parts.map { name, fraction in
            "<span style=\"width:\(String(format: "%.2f", max(0, min(1, fraction)) * 100))%;background:\(colours[name] ?? "#1f77b4")\"></span>"
        }
        return "<div class=\"bar\">\(spans.joined())</div>"
    }

    private static func severityName(_ label: String?) -> String { (label ?? "").lowercased() }
    private static func text(_ value: String?) -> String { (value ?? "").htmlEscaped }
    private static func number(_ value: String?) -> Double { value.flatMap(Double.init) ?? 0 }
    private static func percent(_ fraction: Double) -> String { Readable.percent(fraction) }
    private static func fixed(_ value: Double, digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
    private static func count(_ value: String?) -> String { count(Int(value ?? "") ?? 0) }

    private static func count(_ value: Int) -> String { Readable.count(value) }
}
