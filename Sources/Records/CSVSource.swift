/// An RFC 4180 CSV file read as a stream of records: quoted fields may hold commas, quotes ("") and line
/// breaks; lines end in LF, CRLF or CR; a leading UTF-8 byte-order mark is skipped. Blank lines are not
/// records. Bytes are passed through untouched: checking UTF-8 is the validator's job, per field.
///
/// One stray quote costs its line, not the rest of the file: when a quoted field that runs over a line
/// break is never closed, is not closed within `quotedLineBreakLimit` bytes, or leaves its record malformed
/// or with the wrong number of fields, the record is taken to end where that line break is, rejected as
/// malformed, and reading resumes on the next line.
public final class CSVSource: RecordSource {
    public private(set) var columns: [String] = []
    public var sourceName: String { input.path }
    public let input: FileInput
    private var line = 1
    /// The bytes read since the first line break inside a quoted field of the current record, kept so that
    /// reading can resume right after that line break; nil while the record has no such line break.
    private var sinceQuotedLineBreak: [UInt8]?
    /// Where that line break is: the line it ends and how much of the record's raw bytes precede it.
    private var quotedLineBreak: (line: Int, rawLength: Int, openedOn: Int) = (0, 0, 0)
    /// Set when more than `quotedLineBreakLimit` bytes were read since that line break: the record ends there.
    private var pastLimit = false
    /// The last record's size, the next one's buffers' starting room.
    private var lastSize = SourceRecord.Size()

    /// How far a quoted field may run past its first line break before it is taken for a stray quote.
    public static let quotedLineBreakLimit = 1 << 20

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

    /// Physical lines read so far (the header's included); once the file is read, all of its lines.
    public var lines: Int? {
        guard input.bytesRead > 0 else { return 0 }
        return input.lastByte == Self.lf || input.lastByte == Self.cr ? line - 1 : line
    }

    /// Reads one record, or nil at the end of the file.
    private func readRecord() throws -> SourceRecord? {
        while try input.peek() == Self.lf || input.peek() == Self.cr {
            try consumeLineEnd()
        }
        guard try input.peek() != nil else { return nil }
        if let record = try readPlainLine() {
            lastSize = record.size
            return record
        }
        var record = SourceRecord(line: line, roomFor: lastSize)
        sinceQuotedLineBreak = nil
        pastLimit = false
        while true {
            let ended = try input.peek() == Self.quote ? try readQuoted(into: &record) : try readUnquoted(into: &record)
            record.endField()
            if ended { break }
        }
        if sinceQuotedLineBreak != nil, record.malformation != nil || (!columns.isEmpty && record.fieldCount != columns.count) {
            resumeAfterQuotedLineBreak(&record)
        }
        sinceQuotedLineBreak = nil
        lastSize = record.size
        return record
    }

    /// The usual record, a line without quotes that the chunk in memory holds whole, split at its commas in
    /// the pass that finds its end; nil (nothing consumed) for any other, which the byte-wise reading below takes.
    private func readPlainLine() throws -> SourceRecord? {
        var record: SourceRecord?
        _ = try input.withBufferedBytes { bytes in
            var plain = SourceRecord(line: line, roomFor: lastSize)
            guard let end = plain.takePlainLine(from: bytes, separatedBy: Self.comma) else { return 0 }
            var length = end + 1
            if bytes[end] == Self.cr {
                guard end + 1 < bytes.count else { return 0 }  // a CRLF the chunk cuts in two
                if bytes[end + 1] == Self.lf { length += 1 }
            }
            record = plain
            return length
        }
        if record != nil { line += 1 }
        return record
    }

    /// The record ran on from a quoted field's line break and came out wrong: it is cut at that line break and
    /// the bytes after it are read again as the next lines.
    private func resumeAfterQuotedLineBreak(_ record: inout SourceRecord) {
        let mark = quotedLineBreak
        let problem = record.malformation
            ?? "it has \(record.fieldCount) fields instead of \(columns.count)"
        let reason = problem.hasPrefix("a quoted field opened on line") ? problem
            : "a quoted field opened on line \(mark.openedOn) runs past its line (\(problem))"
        record.cutRaw(to: mark.rawLength)
        record.malformation = "\(reason); the record is taken to end with line \(mark.line), and reading resumes on line \(mark.line + 1)"
        input.unread(sinceQuotedLineBreak ?? [])
        line = mark.line + 1
    }

    @inline(__always)
    private func take() throws -> UInt8? {
        let byte = try input.next()
        if let byte, sinceQuotedLineBreak != nil {
            sinceQuotedLineBreak!.append(byte)
            if sinceQuotedLineBreak!.count > Self.quotedLineBreakLimit { pastLimit = true }
        }
        return byte
    }

    /// Reads an unquoted field up to a comma (returns false) or the end of the line or file (returns true).
    private func readUnquoted(into record: inout SourceRecord) throws -> Bool {
        // Plain bytes a run at a time, unless the record ran past a quoted line break (then each byte read is
        // also kept to be read again, which `take` does).
        if sinceQuotedLineBreak == nil {
            _ = try input.consume(while: { $0 != Self.comma && $0 != Self.lf && $0 != Self.cr && $0 != Self.quote }) { run in
                record.appendRaw(contentsOf: run)
                record.append(contentsOf: run)
            }
        }
        while let byte = try input.peek() {
            switch byte {
            case Self.comma:
                _ = try take()
                record.appendRaw(byte)
                return false
            case Self.lf, Self.cr:
                try consumeLineEnd()
                return true
            case Self.quote:
                record.malformation = record.malformation ?? "a quote inside an unquoted field (field \(record.fieldCount + 1))"
                fallthrough
            default:
                _ = try take()
                record.appendRaw(byte)
                record.append(byte)
                if pastLimit {
                    record.malformation = "a quoted field opened on line \(quotedLineBreak.openedOn) runs on for more than \(Self.quotedLineBreakLimit >> 20) MiB"
                    return true
                }
            }
        }
        return true
    }

    /// Reads a quoted field and what follows its closing quote; returns true when the record ended.
    private func readQuoted(into record: inout SourceRecord) throws -> Bool {
        let openedOn = line
        record.appendRaw(try take()!)
        while true {
            guard let byte = try take() else {
                record.malformation = "a quoted field opened on line \(openedOn) is never closed"
                return true
            }
            // A line break inside the field: LF, or a CR not followed by LF (CRLF counts once, at its LF).
            let lineBreak = try byte == Self.lf || (byte == Self.cr && input.peek() != Self.lf)
            if lineBreak, sinceQuotedLineBreak == nil {
                quotedLineBreak = (line, record.rawLength, openedOn)
                sinceQuotedLineBreak = []
            }
            record.appendRaw(byte)
            if byte == Self.quote {
                guard try input.peek() == Self.quote else { break }
                record.appendRaw(try take()!)
            } else if lineBreak {
                line += 1
            }
            record.append(byte)
            if pastLimit {
                record.malformation = "a quoted field opened on line \(openedOn) is not closed within \(Self.quotedLineBreakLimit >> 20) MiB"
                return true
            }
        }
        // After the closing quote only a comma or the end of the line may follow.
        switch try input.peek() {
        case nil: return true
        case Self.comma?:
            record.appendRaw(try take()!)
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
        if try take() == Self.cr, try input.peek() == Self.lf { _ = try take() }
        line += 1
    }
}
