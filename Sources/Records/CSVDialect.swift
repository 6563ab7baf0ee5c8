/// How a CSV file is written: what separates fields and records, how fields are quoted, which rows are not
/// data, and the file's encoding. The default is RFC 4180 in UTF-8 with one header row.
public struct CSVDialect: Sendable, Equatable {
    /// The byte between fields; nil for a file of one column (each line is one field).
    public var delimiter: UInt8? = UInt8(ascii: ",")
    /// The byte that quotes a field; nil when fields are never quoted (a quote is then an ordinary byte).
    public var quote: UInt8? = UInt8(ascii: "\"")
    /// Whether a quote inside a quoted field is written twice (RFC 4180).
    public var doubleQuote = true
    /// A byte that makes the next one literal (a backslash, say), inside quotes or out; nil for none.
    public var escape: UInt8?
    /// Rows above the header (a title, notes, each blank line), read as records are, so a quoted title may
    /// run over several lines.
    public var preambleRows = 0
    /// Records naming the fields; several are joined into one name per column (see `joinHeader`). 0: none.
    public var headerRows = 1
    /// Records at the end that are not data (totals, notes).
    public var footerRows = 0
    public var encoding: TextEncoding = .utf8
    /// Whether the header's names are matched to the fields by name (any order); when false the header rows
    /// are skipped and the fields are taken in order (a header with empty or repeated names, say).
    public var matchByName = true
    /// Whether a record of empty fields only (a line of delimiters, as spreadsheets export blank rows) is
    /// skipped like a blank line, and counted (`CSVSource.emptyRows`).
    public var skipEmptyRows = true
    /// Whether records end with a delimiter the header lacks (`1,2,` under `a,b`): the empty field after it
    /// is dropped.
    public var trailingDelimiter = false
    /// A record with fewer fields than the header gets nulls for the missing ones (counted as padded)
    /// instead of being rejected.
    public var padShortRows = false

    public init() {}

    /// The bytes the fast path has to look at, besides the delimiter and line breaks.
    var specialBytes: [UInt8] { [quote, escape].compactMap { $0 } }

    /// One name per column from several header rows: in a row above the last, a name spans the empty cells
    /// to its right (a group heading over its columns) when that row names more than one column; a row with
    /// a single name is a title over the first column only. The parts of a column are joined with a space.
    public static func joinHeader(_ rows: [[String]]) -> [String] {
        guard let width = rows.map(\.count).max() else { return [] }
        var names = Array(repeating: [String](), count: width)
        for (index, row) in rows.enumerated() {
            let cells = row.map { $0.trimmingSpaces } + Array(repeating: "", count: width - row.count)
            let spans = index < rows.count - 1 && cells.filter { !$0.isEmpty }.count > 1
            var current = ""
            for (column, cell) in cells.enumerated() {
                if !cell.isEmpty { current = cell } else if !spans { current = "" }
                if !current.isEmpty { names[column].append(current) }
            }
        }
        return names.map { $0.joined(separator: " ") }
    }
}

extension String {
    var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
