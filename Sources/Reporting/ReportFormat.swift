import Formats

/// A table as report bytes: compact UTF-8 JSON (numbers and booleans typed from the column's type,
/// NULL as null) and RFC 4180 CSV (header row, CRLF, fields quoted when they must be, NULL as an empty
/// unquoted field and the empty string as "").
public enum ReportFormat {
    public static func json(_ result: Table, shape: Report.Shape, report: String) throws -> [UInt8] {
        var out: [UInt8] = []
        switch shape {
        case .rows:
            out.append(UInt8(ascii: "["))
            for row in 0..<result.rowCount {
                if row > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendObject(
                    result.columns.indices.map { (result.columns[$0].name, value(result, row: row, column: $0)) }, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object:
            guard result.columns.count == 2 else {
                throw ReportError(description: "report \(report) is `format: object` but returns \(result.columns.count) columns, not 2 (key, value)")
            }
            var keys = Set<String>()
            var members: [(String, JSONText.Value)] = []
            for row in 0..<result.rowCount {
                guard let key = result.values[row][0], keys.insert(key).inserted else {
                    throw ReportError(description: "report \(report) returns a NULL or repeated key on row \(row + 1)")
                }
                members.append((key, value(result, row: row, column: 1)))
            }
            JSONText.appendObject(members, to: &out)
        }
        return out
    }

    private static func value(_ result: Table, row: Int, column: Int) -> JSONText.Value {
        guard let text = result.values[row][column] else { return .null }
        switch result.columns[column].kind {
        case .integer:
            return .number(text)
        case .decimal:
            // NaN and the infinities have no JSON spelling.
            return Double(text)?.isFinite == true ? .number(text) : .null
        case .boolean:
            return .bool(text == "t")
        case .json:
            return .raw(text)
        case .text:
            return .string(text)
        }
    }

    public static func csv(_ result: Table) -> [UInt8] {
        var out: [UInt8] = []
        func appendLine(_ fields: [String?]) {
            for (index, field) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                guard let field else { continue }
                let needsQuotes = field.isEmpty || field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
                guard needsQuotes else { out.append(contentsOf: field.utf8); continue }
                out.append(UInt8(ascii: "\""))
                for byte in field.utf8 {
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            }
            out.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        }
        appendLine(result.columns.map(\.name))
        for row in 0..<result.rowCount {
            appendLine(result.columns.indices.map { column in
                let text = result.values[row][column]
                if result.columns[column].kind == .boolean { return text.map { $0 == "t" ? "true" : "false" } }
                return text
            })
        }
        return out
    }
}
