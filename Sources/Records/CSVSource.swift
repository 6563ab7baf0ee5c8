/// A CSV file read as a stream of records, in the dialect given (RFC 4180 by default): quoted fields may hold
/// delimiters, quotes (doubled, or escaped) and line breaks; lines end in LF, CRLF or CR, mixed as they come;
/// preamble lines, header rows and footer rows are not data; a file in another encoding, or gzipped, is
/// decoded as it streams (see `FileInput.decode(as:)`). Blank lines are not records. Bytes are passed through
/// untouched otherwise: checking UTF-8 is the validator's job, per field.
///
/// A record that repeats the header (a second table, or a second file, glued under the first) or starts with
/// a byte-order mark (files joined byte for byte) is malformed, so it is rejected, not loaded as data.
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
    public let dialect: CSVDialect
    // The dialect's bytes; a line feed stands for "none" where only a match matters (a line break is never
    // a delimiter, quote or escape).
    private let delimiter: UInt8, quote: UInt8?, escape: UInt8?
    /// The byte besides delimiter and line breaks that the fast path stops at; nil when there are two (quote
    /// and escape), and only the byte-wise reading is used.
    private let special: UInt8?
    /// Records read ahead, held back until it is known they are not the footer.
    private var ahead: [SourceRecord] = []
    private var aheadStart = 0
    /// Lines that hold no data: preamble, header and footer.
    public private(set) var nonDataLines = 0
    /// Records of empty fields only, skipped (`skipEmptyRows`).
    public private(set) var emptyRows = 0
    /// Records given nulls for missing trailing fields (`padShortRows`).
    public private(set) var padded = 0
    /// The header's fields as bytes, to know a record that repeats it.
    private var headerBytes: [[UInt8]] = []

    /// How far a quoted field may run past its first line break before it is taken for a stray quote.
    public static let quotedLineBreakLimit = 1 << 20

    private static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Opens `input` in `dialect`; with `header` nil the header rows name the columns, otherwise the file
    /// has none and these are its columns.
    public init(input: FileInput, dialect: CSVDialect = CSVDialect(), header: [String]? = nil) throws {
        self.input = input
        self.dialect = dialect
        delimiter = dialect.delimiter ?? Self.lf
        quote = dialect.quote
        escape = dialect.escape == dialect.quote ? nil : dialect.escape
        let specials = [quote, escape].compactMap { $0 }
        special = specials.count == 2 ? nil : specials.first ?? Self.lf
        try input.decode(as: dialect.encoding)
        for _ in 0..<dialect.preambleRows {
            guard let byte = try input.peek() else { break }
            if byte == Self.lf || byte == Self.cr { try consumeLineEnd() } else { _ = try readRecord() }
        }
        if let header, dialect.headerRows == 0 {
            columns = header
            nonDataLines = line - 1
            return
        }
        var rows: [[String]] = []
        for _ in 0..<max(dialect.headerRows, 1) {
            let at = line
            guard let row = try readRecord() else {
                throw HeaderError(path: input.path, reason: rows.isEmpty ? "the file is empty: expected a header line" : "the file ends within its \(dialect.headerRows) header rows")
            }
            if let problem = row.malformation {
                throw HeaderError(path: input.path, reason: "the header on line \(row.line) is malformed: \(problem)")
            }
            var names: [String] = []
            for field in row.fields {
                guard let name = String(validating: field, as: UTF8.self) else {
                    let encoding = input.decodedFrom.map { "readable as \($0)" } ?? "valid UTF-8"
                    throw HeaderError(path: input.path, reason: "the header on line \(at) is not \(encoding)")
                }
                names.append(name)
            }
            rows.append(names)
        }
        // A header that ends with the records' trailing delimiter too loses the empty name after it.
        if dialect.trailingDelimiter, rows.count == 1, rows[0].count > 1, rows[0].last == "" { rows[0].removeLast() }
        columns = header ?? (rows.count == 1 ? rows[0] : CSVDialect.joinHeader(rows))
        headerBytes = rows.count == 1 ? rows[0].map { Array($0.utf8) } : []
        nonDataLines = line - 1
    }

    public func next() throws -> SourceRecord? {
        while ahead.count - aheadStart <= dialect.footerRows {
            guard var record = try readRecord() else {
                // What is left is the footer.
                if ahead.count > aheadStart { nonDataLines += (lines ?? line) - ahead[aheadStart].line + 1 }
                ahead = []
                aheadStart = 0
                return nil
            }
            if dialect.skipEmptyRows, record.malformation == nil, record.fieldCount > 1, record.rawLength == record.fieldCount - 1 {
                emptyRows += 1
                nonDataLines += 1
                continue
            }
            check(&record)
            if dialect.footerRows == 0 { return record }
            ahead.append(record)
        }
        let record = ahead[aheadStart]
        aheadStart += 1
        if aheadStart > 64 {
            ahead.removeFirst(aheadStart)
            aheadStart = 0
        }
        return record
    }

    /// Marks a record that is not data (a repeated header, a byte-order mark) and pads a short one.
    private func check(_ record: inout SourceRecord) {
        guard record.malformation == nil, record.fieldCount > 0 else { return }
        if dialect.trailingDelimiter, record.fieldCount == columns.count + 1, record.field(record.fieldCount - 1).isEmpty {
            record.dropLastField()
        }
        // Read in place: this runs for every record.
        let (mark, repeatsHeader) = record.withFields { fields -> (Bool, Bool) in
            let first = fields[0]
            if first.count >= 3, first[0] == 0xEF, first[1] == 0xBB, first[2] == 0xBF { return (true, false) }
            guard !headerBytes.isEmpty, fields.count == headerBytes.count, first.count == headerBytes[0].count else { return (false, false) }
            return (false, (0..<fields.count).allSatisfy { fields[$0].elementsEqual(headerBytes[$0]) })
        }
        if mark {
            record.malformation = "a byte-order mark in the middle of the file (two files joined together?)"
        } else if repeatsHeader {
            record.malformation = "it repeats the header row (a second table, or file, glued under the first?)"
        } else if dialect.padShortRows, record.fieldCount < columns.count {
            while record.fieldCount < columns.count { record.appendNullField() }
            padded += 1
        }
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
        if special != nil, let record = try readPlainLine() {
            lastSize = record.size
            return record
        }
        var record = SourceRecord(line: line, roomFor: lastSize)
        sinceQuotedLineBreak = nil
        pastLimit = false
        while true {
            let ended = try quote != nil && input.peek() == quote ? try readQuoted(into: &record) : try readUnquoted(into: &record)
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
            guard let end = plain.takePlainLine(from: bytes, separatedBy: delimiter, special: special!) else { return 0 }
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

    /// Reads an unquoted field up to a delimiter (returns false) or the end of the line or file (returns true).
    private func readUnquoted(into record: inout SourceRecord) throws -> Bool {
        let delimiter = delimiter, quote = quote ?? Self.lf, escape = escape ?? Self.lf
        // Plain bytes a run at a time, unless the record ran past a quoted line break (then each byte read is
        // also kept to be read again, which `take` does).
        if sinceQuotedLineBreak == nil {
            _ = try input.consume(while: { $0 != delimiter && $0 != Self.lf && $0 != Self.cr && $0 != quote && $0 != escape }) { run in
                record.appendRaw(contentsOf: run)
                record.append(contentsOf: run)
            }
        }
        while let byte = try input.peek() {
            if byte == Self.lf || byte == Self.cr {
                try consumeLineEnd()
                return true
            }
            if byte == delimiter {
                _ = try take()
                record.appendRaw(byte)
                return false
            }
            if byte == escape, self.escape != nil {
                try readEscaped(into: &record)
                continue
            }
            if byte == quote, self.quote != nil {
                record.malformation = record.malformation ?? "a quote inside an unquoted field (field \(record.fieldCount + 1))"
            }
            _ = try take()
            record.appendRaw(byte)
            record.append(byte)
            if pastLimit {
                record.malformation = "a quoted field opened on line \(quotedLineBreak.openedOn) runs on for more than \(Self.quotedLineBreakLimit >> 20) MiB"
                return true
            }
        }
        return true
    }

    /// Reads an escape byte and the byte it makes literal (a line break too, which counts as a line).
    private func readEscaped(into record: inout SourceRecord) throws {
        record.appendRaw(try take()!)
        guard let byte = try take() else {
            record.malformation = record.malformation ?? "the file ends with an escape character"
            return
        }
        if try byte == Self.lf || (byte == Self.cr && input.peek() != Self.lf) { line += 1 }
        record.appendRaw(byte)
        record.append(byte)
    }

    /// Reads a quoted field and what follows its closing quote; returns true when the record ended.
    private func readQuoted(into record: inout SourceRecord) throws -> Bool {
        let openedOn = line
        let quote = quote ?? Self.lf, stop = escape ?? quote
        record.appendRaw(try take()!)
        while true {
            // Ordinary bytes a run at a time, until the field's first line break (after it each byte read is
            // also kept, to be read again, which `take` does).
            if sinceQuotedLineBreak == nil {
                _ = try input.consume(while: { $0 != quote && $0 != stop && $0 != Self.lf && $0 != Self.cr }) { run in
                    record.appendRaw(contentsOf: run)
                    record.append(contentsOf: run)
                }
            }
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
            if byte == escape {
                record.appendRaw(byte)
                guard let literal = try take() else { continue }  // never closed, said above
                if try literal == Self.lf || (literal == Self.cr && input.peek() != Self.lf) { line += 1 }
                record.appendRaw(literal)
                record.append(literal)
                continue
            }
            record.appendRaw(byte)
            if byte == quote {
                guard dialect.doubleQuote, try input.peek() == quote else { break }
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
        // After the closing quote only a delimiter or the end of the line may follow.
        guard let next = try input.peek() else { return true }
        if next == Self.lf || next == Self.cr {
            try consumeLineEnd()
            return true
        }
        if next == delimiter {
            record.appendRaw(try take()!)
            return false
        }
        record.malformation = record.malformation ?? "text after the closing quote of field \(record.fieldCount + 1)"
        return try readUnquoted(into: &record)
    }

    /// Consumes LF, CRLF or a lone CR and counts the line.
    private func consumeLineEnd() throws {
        if try take() == Self.cr, try input.peek() == Self.lf { _ = try take() }
        line += 1
    }
}
