/// A row that was not loaded, with what a person needs to find and fix it.
public struct Reject: Sendable, Equatable {
    /// The file (or table) the row came from.
    public let source: String
    /// 1-based line on which the row starts.
    public let line: Int
    /// The column at fault, or nil when the row as a whole is (a wrong number of fields, an unclosed quote).
    public let field: String?
    public let reason: String
    /// The row's bytes as in the file; invalid UTF-8 and NUL bytes are shown as U+FFFD, and a very long
    /// row is cut short with a note of its full length.
    public let raw: String

    public init(source: String, line: Int, field: String?, reason: String, raw: [UInt8], rawLength: Int? = nil) {
        self.source = source
        self.line = line
        self.field = field
        self.reason = reason
        let text = String(decoding: raw, as: UTF8.self).replacingNUL()
        let length = rawLength ?? raw.count
        self.raw = length > raw.count ? text + "… (\(length) bytes in all)" : text
    }
}

extension String {
    fileprivate func replacingNUL() -> String {
        guard utf8.contains(0) else { return self }
        return String(unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : Character($0) })
    }
}
