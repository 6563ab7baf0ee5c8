/// An RFC 4180 CSV file read as a stream of records: quoted fields may hold commas, quotes ("") and line
/// breaks; lines end in LF, CRLF or CR; a leading UTF-8 byte-order mark is skipped. Blank lines are not
/// records. Bytes are passed through untouched: checking UTF-8 is the validator's job, per field.
public final class CSVSource: RecordSource {
    public private(set) var columns: [String] = []
    public var sourceName: String { input.path }
    public let input: FileInput
    private var line = 1

    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Opens `input`; with `header` nil the first line is the header, otherwise the file has none and these
    /// are its columns.
    public init(input: FileInput, header: [String]? = nil) throws {
        self.input = input
        try input.skip(prefix: [0xEF, 0xBB, 0xBF])
        if let header {
            columns = header
            return
        }
        guard let first = try readRecord() else {
            throw HeaderError(path: input.path, reason: "the file is empty: expected a header line")
        }
        var names: [String] = []
        for field in first.fields {
            guard let name = String(validating: field, as: UTF8.self) else {
                throw HeaderError(path: input.path, reason: "the header on line 1 is not valid UTF-8")
            }
            names.append(name)
        }
        if let problem = first.malformation {
            throw HeaderError(path: input.path, reason: "the header on line 1 is malformed: \(problem)")
        }
        self.columns = names
    }

    public func next() throws -> SourceRecord? {
        try readRecord()
    }

    /// Reads one record, or nil at the end of the file.
    private func readRecord() throws -> SourceRecord? {
        while try input.peek() == Self.lf || input.peek() == Self.cr {
            try consumeLineEnd()
        }
        guard try input.peek() != nil else { return nil }
        var record = SourceRecord(line: line)
        while true {
            let ended = try input.peek() == Self.quote ? try readQuoted(into: &record) : try readUnquoted(into: &record)
            record.endField()
            if ended { return record }
        }
    }

    /// Reads an unquoted field up to a comma (returns false) or the end of the line or file (returns true).
    private func readUnquoted(into record: inout SourceRecord) throws -> Bool {
        while let byte = try input.peek() {
            switch byte {
            case Self.comma:
                _ = try input.next()
                record.appendRaw(byte)
                return false
            case Self.lf, Self.cr:
                try consumeLineEnd()
                return true
            case Self.quote:
                record.malformation = record.malformation ?? "a quote inside an unquoted field (field \(record.fieldCount + 1))"
                fallthrough
            default:
                _ = try input.next()
                record.appendRaw(byte)
                record.append(byte)
            }
        }
        return true
    }

    /// Reads a quoted field and what follows its closing quote; returns true when the record ended.
    private func readQuoted(into record: inout SourceRecord) throws -> Bool {
        let openedOn = line
        record.appendRaw(try input.next()!)
        while true {
            guard let byte = try input.next() else {
                record.malformation = "a quoted field opened on line \(openedOn) is never closed"
                return true
            }
            record.appendRaw(byte)
            if byte == Self.quote {
                guard try input.peek() == Self.quote else { break }
                record.appendRaw(try input.next()!)
            } else if byte == Self.lf {
                line += 1
            }
            record.append(byte)
        }
        // After the closing quote only a comma or the end of the line may follow.
        switch try input.peek() {
        case nil: return true
        case Self.comma?:
            record.appendRaw(try input.next()!)
            return false
        case Self.lf?, Self.cr?:
            try consumeLineEnd()
            return true
        default:
            record.malformation = record.malformation ?? "text after the closing quote of field \(record.fieldCount + 1)"
            return try readUnquoted(into: &record)
        }
    }

    /// Consumes LF, CRLF or a lone CR and counts the line.
    private func consumeLineEnd() throws {
        if try input.next() == Self.cr, try input.peek() == Self.lf { _ = try input.next() }
        line += 1
    }
}
