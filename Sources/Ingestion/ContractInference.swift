import Failures
import Foundation
import Records
import Validation

/// `ingest infer`: a draft contract for a CSV file, found from the file alone. The dialect (encoding,
/// delimiter, quote, escape, preamble, header and footer rows) comes from the file's first MiB; the fields'
/// types, whether they are required, their few values and the candidate keys from reading every record (or
/// the first `sampleRows`) with that dialect, each value tried by the validator itself. Deterministic: the
/// same file gives the same draft. Where a choice was close, the draft says so in a YAML comment with the
/// alternatives and the evidence.
public struct ContractInference {
    public let path: String
    public let sampleRows: Int?

    public init(path: String, sampleRows: Int? = nil) {
        self.path = path
        self.sampleRows = sampleRows
    }

    /// The dialect found, with what was close.
    struct Found {
        var dialect = CSVDialect()
        var notes: [String: String] = [:]
        var names: [String] = []
        /// Fields per record (a trailing delimiter's empty one not counted).
        var width = 1
    }

    /// The draft contract, as YAML.
    public func draft() throws -> String {
        let head = try FileInput.head(path: path, limit: 1 << 20)
        guard !head.isEmpty else { throw DataError(path: path, reason: "is empty: nothing to infer a contract from") }
        var found = Found()
        let text = try encoding(of: head, into: &found)
        try layout(of: text, into: &found)
        return try fields(found)
    }

    // MARK: Encoding

    private func encoding(of head: [UInt8], into found: inout Found) throws -> [UInt8] {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { throw DataError(path: path, reason: "is a zip archive, not a text file: unzip it first (gzip is read as it is)") }
        var bytes = head
        var encoding = TextEncoding.utf8
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
            found.notes["encoding"] = "the file starts with a UTF-8 byte-order mark"
            bytes.removeFirst(3)
        } else if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            encoding = .utf16
            found.notes["encoding"] = "the file starts with a UTF-16 byte-order mark"
            bytes.removeFirst(2)
            bytes = try (head[0] == 0xFF ? TextEncoding.utf16LE : .utf16BE).decode(bytes)
        } else if let order = FileInput.utf16WithoutMark(head) {
            encoding = order
            found.notes["encoding"] = "no byte-order mark, but every other byte is zero: UTF-16 of this byte order"
            bytes = try order.decode(bytes)
        } else if let bad = Self.firstInvalidUTF8(head) {
            let line = head[..<bad].filter { $0 == 0x0A }.count + 1
            let evidence = String(format: "not UTF-8 (line %d has the byte 0x%02X)", line, head[bad])
            let undefined = head.contains { [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains($0) }
            var others = ["latin-1 differs from windows-1252 only in 0x80-0x9F"]
            for name in ["cp949", "shift_jis", "gbk"] where TextEncoding.iconvReads(head, as: name) { others.append("\(name) also reads it") }
            encoding = undefined ? .latin1 : .windows1252
            found.notes["encoding"] = "\(evidence); read as \(encoding); alternatives: \(others.joined(separator: "; "))"
            bytes = try encoding.decode(bytes)
        }
        found.dialect.encoding = encoding
        return bytes
    }

    /// The offset of the first byte that is not UTF-8, ignoring a character the end of `bytes` cuts short.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            guard length > 0, byte != 0xC0, byte != 0xC1 else { return index }
            if index + length > bytes.count { return bytes.count - index < 4 ? nil : index }
            for next in 1..<length where bytes[index + next] >> 6 != 0b10 { return index }
            index += length
        }
        return nil
    }

    // MARK: Dialect and layout

    /// A record of the sample as a candidate dialect splits it: its fields and the line it starts on (0-based).
    struct Row {
        var fields: [String]
        var line: Int
        var nonEmpty: Int { fields.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count }
    }

    /// Splits `text` in a candidate dialect; nil for a text it cannot split (a quote never closed before the
    /// sample's last line).
    static func split(_ text: [UInt8], delimiter: UInt8?, quote: UInt8?, escape: UInt8?) -> (rows: [Row], malformed: Int) {
        var rows: [Row] = [], fields: [String] = [], field: [UInt8] = []
        var line = 0, start = 0, malformed = 0, index = 0
        var quoted = false, wasQuoted = false
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field = []
            wasQuoted = false
        }
        func endRecord() {
            endField()
            rows.append(Row(fields: fields, line: start))  // a blank line too: a preamble counts it
            fields = []
        }
        while index < text.count {
            let byte = text[index]
            index += 1
            if quoted {
                if byte == escape, index < text.count {
                    field.append(text[index])
                    index += 1
                } else if byte == quote {
                    if index < text.count, text[index] == quote, escape == nil {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == 0x0A || (byte == 0x0D && (index >= text.count || text[index] != 0x0A)) { line += 1 }
                    field.append(byte)
                }
                continue
            }
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D, index < text.count, text[index] == 0x0A { index += 1 }
                endRecord()
                line += 1
                start = line
            } else if byte == delimiter {
                endField()
            } else if byte == quote, field.isEmpty, !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if byte == escape, index < text.count {
                field.append(text[index])
                index += 1
            } else {
                if byte == quote || wasQuoted { malformed += 1 }
                field.append(byte)
            }
        }
        if quoted { malformed += 1 }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return (rows, malformed)
    }

    /// The width most records have and how many have it.
    static func modalWidth(_ rows: [Row]) -> (width: Int, count: Int) {
        var counts: [Int: Int] = [:]
        for row in rows where row.nonEmpty > 0 { counts[row.fields.count, default: 0] += 1 }
        return counts.max { ($0.value, $0.key) < ($1.value, $1.key) }.map { ($0.key, $0.value) } ?? (1, 0)
    }

    private func layout(of text: [UInt8], into found: inout Found) throws {
        // A sample cut in the middle of a line loses that line.
        var sample = text
        if text.count >= (1 << 20) - 4, let last = text.lastIndex(where: { $0 == 0x0A || $0 == 0x0D }) { sample = Array(text[...last]) }
        let start = String(decoding: sample.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if start.hasPrefix("<!doctype html") || start.hasPrefix("<html") {
            throw DataError(path: path, reason: "is an HTML page, not a data file (a download that returned an error page?)")
        }
        if sample.contains(0) { throw DataError(path: path, reason: "holds NUL bytes: not a text file in any encoding infer reads") }
        // Each candidate dialect splits the sample; the one under which most records share one width (of two
        // fields or more) wins, and a candidate that leaves quotes unbalanced loses to one that does not.
        let comma = UInt8(ascii: ","), doubleQuote = UInt8(ascii: "\"")
        let delimiters: [UInt8] = [comma, UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|"), UInt8(ascii: " ")]
        let quotes: [UInt8?] = [doubleQuote, nil, UInt8(ascii: "'")]
        struct Candidate { let delimiter: UInt8, quote: UInt8?, width: Int, count: Int, malformed: Int, rows: [Row] }
        var candidates: [Candidate] = []
        for delimiter in delimiters {
            for quote in quotes {
                let (rows, malformed) = Self.split(sample, delimiter: delimiter, quote: quote, escape: nil)
                let (width, count) = Self.modalWidth(rows)
                candidates.append(Candidate(delimiter: delimiter, quote: quote, width: width, count: count, malformed: malformed, rows: rows))
            }
        }
        func score(_ c: Candidate) -> Int { c.width < 2 ? 0 : c.count * 4 - c.malformed * 8 }
        let best = candidates.enumerated().max { (score($0.element), -$0.offset) < (score($1.element), -$1.offset) }!.element
        var chosen = best
        if score(best) == 0 {
            found.dialect.delimiter = nil
            found.dialect.quote = nil
            let (rows, _) = Self.split(sample, delimiter: nil, quote: nil, escape: nil)
            chosen = Candidate(delimiter: 0x0A, quote: nil, width: 1, count: rows.count, malformed: 0, rows: rows)
            found.notes["delimiter"] = "no delimiter splits the lines alike: one column"
        } else {
            found.dialect.delimiter = best.delimiter
            found.dialect.quote = best.quote
            let close = candidates.filter { $0.delimiter != best.delimiter && score($0) > 0 && score($0) * 10 >= score(best) * 9 }
            if let other = close.first {
                found.notes["delimiter"] = "\(Self.show(other.delimiter)) is close: \(other.count) records of \(other.width) fields against \(best.count) of \(best.width)"
            }
            // A backslash before a quote inside quotes: an escape, when reading it so splits better.
            if let quote = best.quote, Self.contains(sample, [UInt8(ascii: "\\"), quote]) {
                let (rows, malformed) = Self.split(sample, delimiter: best.delimiter, quote: quote, escape: UInt8(ascii: "\\"))
                let (width, count) = Self.modalWidth(rows)
                let escaped = Candidate(delimiter: best.delimiter, quote: quote, width: width, count: count, malformed: malformed, rows: rows)
                if score(escaped) > score(best) {
                    found.dialect.escape = UInt8(ascii: "\\")
                    chosen = escaped
                    found.notes["escapeChar"] = "\\\(Self.show(quote)) splits \(count) records alike, against \(best.count) with quotes doubled"
                }
            }
            if best.quote == doubleQuote, !sample.contains(doubleQuote) {
                found.notes["quoteChar"] = "no quote in the sample; the usual one"
            }
        }
        let rows = chosen.rows
        let width = chosen.width
        // The table starts at the first record of the modal width (or one field short: a header without the
        // name of a last, empty column or of a first column of row names) with two values or more, followed
        // by records of that width: above it, the preamble (a title, notes, padded with delimiters or not).
        var first = 0
        while first < rows.count {
            let row = rows[first]
            let followers = rows[(first + 1)...].prefix(3)
            if row.fields.count == width || row.fields.count == width - 1, row.nonEmpty >= min(2, width),
                followers.allSatisfy({ $0.fields.count == width || $0.nonEmpty == 0 })
            { break }
            first += 1
        }
        if first == rows.count { first = 0 }
        found.dialect.preambleRows = first
        var shortHeader = false
        if !rows.isEmpty, rows[first].fields.count == width - 1, width > 1 {
            // Records end with a delimiter the header lacks, or the header lacks the row names' column.
            let full = rows[(first + 1)...].filter { $0.fields.count == width }
            let emptyLast = full.filter { $0.fields.last == "" }.count
            if emptyLast * 10 >= full.count * 9 {
                found.dialect.trailingDelimiter = true
                found.notes["trailingDelimiter"] = "\(emptyLast) of the \(full.count) records of \(width) fields end with a delimiter the header lacks"
            } else {
                shortHeader = true
            }
        }
        // Header rows: the first record is one unless it holds a value of its column's type where the
        // records below hold typed values; a record below it is one more while it has no value of its
        // column's type and is empty where the data never is.
        found.width = width - (found.dialect.trailingDelimiter ? 1 : 0)
        let table = Array(rows[first...])
        let data = table.dropFirst().suffix(from: min(table.count, 1 + min(20, max(0, table.count / 4)))).filter { $0.nonEmpty > 0 }
        let context = ValidationContext()
        var typed: [FieldType?] = []
        var alwaysFilled: [Bool] = []  // four records in five at least
        for column in 0..<width {
            let values = data.filter { $0.fields.count == width }.map { $0.fields[column] }
            let filled = values.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            alwaysFilled.append(!values.isEmpty && filled.count * 5 >= values.count * 4)
            typed.append(Self.typeCandidates.first { candidate in
                !filled.isEmpty && filled.allSatisfy { Self.accepts(candidate.type, $0, context) }
            }?.type)
        }
        func hasTypedValue(_ row: Row) -> Bool {
            (0..<min(width, row.fields.count)).contains { column in
                guard let type = typed[column] else { return false }
                let value = row.fields[column]
                return !value.trimmingCharacters(in: .whitespaces).isEmpty && Self.accepts(type, value, context)
            }
        }
        var headerRows = 0
        if let top = table.first {
            let anyTyped = typed.contains { $0 != nil }
            let looksLikeNames = top.nonEmpty == top.fields.count || top.nonEmpty >= 2
            if anyTyped ? !hasTypedValue(top) : looksLikeNames {
                headerRows = 1
                if !anyTyped { found.notes["headerRows"] = "every column holds text: the first record is taken for the header because all its cells are filled; say headerRows: 0 if it is data" }
                while headerRows < min(20, table.count - 1) {
                    let row = table[headerRows]
                    // Some typed column holds a name here, or nothing where the data always has a value.
                    let unlikeData = (0..<min(width, row.fields.count)).contains { column in
                        guard typed[column] != nil else { return false }
                        return alwaysFilled[column] || !row.fields[column].trimmingCharacters(in: .whitespaces).isEmpty
                    }
                    guard row.nonEmpty > 0, anyTyped, !hasTypedValue(row), unlikeData else { break }
                    headerRows += 1
                }
            } else if !anyTyped {
                found.notes["headerRows"] = "the first record has empty cells, so it is taken for data"
            }
        }
        found.dialect.headerRows = headerRows
        found.names = headerRows == 0 ? [] : headerRows == 1 ? table[0].fields : CSVDialect.joinHeader(table.prefix(headerRows).map(\.fields))
        if shortHeader, headerRows == 1 {
            found.names.insert("", at: 0)
            found.notes["headerRows"] = "the header has one name fewer than the records: the first column is taken for row names, as R writes them"
        }
        if headerRows > 1 {
            found.notes["headerRows"] = "the \(headerRows) records above the data hold names, or nothing, where the data holds typed values; their names are joined"
        }
        if first > 0 {
            found.notes["preambleRows"] = "the table starts with record \(first + 1) (line \(rows[first].line + 1)): the records above have another width or a single value"
        }
    }

    static func contains(_ bytes: [UInt8], _ pair: [UInt8]) -> Bool {
        bytes.indices.dropLast().contains { bytes[$0] == pair[0] && bytes[$0 + 1] == pair[1] }
    }

    static func show(_ byte: UInt8) -> String {
        byte == UInt8(ascii: "\t") ? "tab" : byte == UInt8(ascii: " ") ? "space" : "\"\(Character(Unicode.Scalar(byte)))\""
    }

    static func accepts(_ type: FieldType, _ value: String, _ context: ValidationContext) -> Bool {
        var bytes = Array(value.utf8)
        return bytes.withUnsafeMutableBufferPointer { type.accepts(UnsafeBufferPointer($0), context: context) }
    }

    /// Types tried in order, the narrowest first, each with how the contract writes it.
    static let typeCandidates: [(type: FieldType, kind: ContractField.Kind, format: String?)] = {
        var list: [(FieldType, ContractField.Kind, String?)] = [
            (.integer(-999_999_999_999_999_999...999_999_999_999_999_999), .integer, nil),
            (.decimal(nonNegative: false), .number, nil),
            (.choice(["true": "true", "false": "false", "TRUE": "true", "FALSE": "false", "True": "true", "False": "false"]), .boolean, nil),
            (.date(nil), .date, nil),
        ]
        for pattern in ["%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d"] {
            list.append((.date(DatePattern(pattern)!), .date, pattern))
        }
        list.append((.dateTime, .datetime, nil))
        return list
    }()

    // MARK: Fields, from every record

    /// What one column's values were.
    struct ColumnStats {
        var empty = 0, filled = 0, notText = 0
        /// Bit i set: every value so far is of `typeCandidates[i]`.
        var candidates: UInt32 = (1 << ContractInference.typeCandidates.count) - 1
        /// The values (spaces around them trimmed, as the validator compares them) while there are ten or fewer.
        var distinct: [String: Int] = [:]
        var manyDistinct = false
        /// The values' 64-bit FNV-1a hashes while no two are equal (a hash collision only loses a key candidate).
        var unique: Set<UInt64>? = []
        var leadingZero = false
        var maxBytes = 0

        /// Counts a value of the `record`th record, in place (a copy of the sets per value would be quadratic).
        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, record: Int, uniqueLimit: Int, context: ValidationContext) {
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
                empty += 1
                return
            }
            let ascii = bytes.allSatisfy { $0 < 0x80 }
            guard ascii || String(validating: bytes, as: UTF8.self) != nil else {
                notText += 1
                candidates = 0
                return
            }
            filled += 1
            maxBytes = max(maxBytes, bytes.count)
            if bytes.count > 1, bytes[0] == UInt8(ascii: "0"), (0x30...0x39).contains(bytes[1]) { leadingZero = true }
            var remaining = candidates
            while remaining != 0 {
                let index = remaining.trailingZeroBitCount
                remaining &= remaining - 1
                if !ContractInference.typeCandidates[index].type.accepts(bytes, context: context) { candidates &= ~(1 << UInt32(index)) }
            }
            if !manyDistinct {
                var trimmed = bytes[...]
                while trimmed.first == 0x20 { trimmed = trimmed.dropFirst() }
                while trimmed.last == 0x20 { trimmed = trimmed.dropLast() }
                distinct[String(decoding: trimmed, as: UTF8.self), default: 0] += 1
                if distinct.count > 10 {
                    manyDistinct = true
                    distinct = [:]
                }
            }
            if unique != nil {
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
                if record > uniqueLimit || !unique!.insert(hash).inserted { unique = nil }
            }
        }
    }

    private func fields(_ found: Found) throws -> String {
        var dialect = found.dialect
        let width: Int
        var names = found.names
        let headerNames = names
        // Names that are not usable column names (empty, repeated, over 63 bytes, the table's own) are
        // replaced, and the fields matched by position.
        var clean: [String] = []
        var renamed = false
        let reserved: Set<String> = [ContractTable.sourceLine, ContractTable.sourcePosition, ContractTable.validFrom, ContractTable.validTo]
        for (index, name) in names.enumerated() {
            var candidate = name.trimmingCharacters(in: .whitespaces)
            while candidate.utf8.count > 63 { candidate.removeLast() }
            if candidate.isEmpty || clean.contains(candidate) || reserved.contains(candidate) { candidate = "column_\(index + 1)" }
            if candidate != name { renamed = true }
            clean.append(candidate)
        }
        if renamed { dialect.matchByName = false }
        names = clean
        // Read every record (or the sample) in the dialect found.
        let file = try FileInput(path: path)
        let source: CSVSource
        if dialect.headerRows == 0 {
            names = (0..<found.width).map { "col_\($0)" }
            source = try CSVSource(input: file, dialect: dialect, header: names)
        } else {
            var reading = dialect
            reading.matchByName = true
            source = try CSVSource(input: file, dialect: reading, header: nil)
        }
        width = names.count
        var stats = Array(repeating: ColumnStats(), count: width)
        let context = ValidationContext()
        var read = 0, wrongWidth = 0, trailingWrong = 0
        var firstWrong: (line: Int, reason: String)?
        let uniqueLimit = 1_000_000
        while let record = try source.next() {
            read += 1
            if let sampleRows, read > sampleRows { read -= 1; break }
            guard record.malformation == nil, record.fieldCount == width else {
                wrongWidth += 1
                trailingWrong += 1
                if firstWrong == nil { firstWrong = (record.line, record.malformation ?? "\(record.fieldCount) fields instead of \(width)") }
                continue
            }
            trailingWrong = 0
            record.withFields { fields in
                for column in 0..<width { stats[column].add(fields[column], record: read, uniqueLimit: uniqueLimit, context: context) }
            }
        }
        let notText = stats.reduce(0) { $0 + $1.notText }
        // Records of the wrong width at the very end are a footer (totals, notes), when few.
        if trailingWrong > 0, trailingWrong <= 5, trailingWrong < read {
            dialect.footerRows = trailingWrong
            wrongWidth -= trailingWrong
        }
        let dataRows = read - dialect.footerRows
        let baseName = URL(fileURLWithPath: path).lastPathComponent
        var stem = baseName
        for suffix in [".gz", ".csv", ".CSV", ".txt", ".tsv", ".dat"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
        var dataset = String(stem.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII ? $0 : "_" })
        dataset = dataset.split(separator: "_").joined(separator: "_")
        if dataset.isEmpty || dataset.first!.isNumber { dataset = "file_" + dataset }
        dataset = String(dataset.prefix(50))
        var out = """
            # A draft contract that `ingest infer` wrote from \(baseName): \(sampleRows.map { "its first \($0) records" } ?? "every record") (\(read) read).
            # Review it (the comments say where a choice was close), then, as the administrator and as the loader:
            #   ingest apply --contract \(dataset).yaml
            #   ingest load --contract \(dataset).yaml --data-dir \(URL(fileURLWithPath: path).deletingLastPathComponent().path)
            dataset: \(dataset)
            table: imports.\(dataset)
            mode: replace
            input:
              file: \(Self.quoted(baseName))
              format: csv
              dialect:

            """
        func line(_ key: String, _ value: String, default isDefault: Bool) {
            guard !isDefault || found.notes[key] != nil else { return }
            out += "    \(key): \(value)"
            if let note = found.notes[key] { out += "  # \(note)" }
            out += "\n"
        }
        func byte(_ value: UInt8?) -> String { value.map { Self.quoted(String(Character(Unicode.Scalar($0)))) } ?? "\"\"" }
        line("encoding", Self.quoted(dialect.encoding.description), default: false)
        line("delimiter", byte(dialect.delimiter), default: false)
        line("quoteChar", byte(dialect.quote), default: false)
        if dialect.escape != nil { line("escapeChar", byte(dialect.escape), default: false) }
        line("headerRows", "\(dialect.headerRows)", default: false)
        line("preambleRows", "\(dialect.preambleRows)", default: dialect.preambleRows == 0)
        if dialect.trailingDelimiter { line("trailingDelimiter", "true", default: false) }
        if dialect.footerRows > 0 {
            out += "    footerRows: \(dialect.footerRows)  # the last \(dialect.footerRows) records have another width than the \(width) fields of the data\n"
        }
        if !dialect.matchByName {
            out += "    matchFields: byPosition  # the header's names are not all usable column names (empty, repeated or longer than 63 bytes)\n"
        }
        if wrongWidth > 0 {
            let first = firstWrong.map { "line \($0.line): \($0.reason)" } ?? ""
            out += "    # \(Self.count(wrongWidth, "record")) malformed or not of \(width) fields (the first on \(first)): a load rejects \(wrongWidth == 1 ? "it" : "them"), with \(wrongWidth == 1 ? "its line" : "their lines")\n"
        }
        if notText > 0 {
            out += "    # \(Self.count(notText, "value")) not \(dialect.encoding == .utf8 ? "valid UTF-8" : "readable as \(dialect.encoding)"): a load rejects \(notText == 1 ? "its record, with its line" : "their records, with their lines")\n"
        }
        out += "schema:\n  fields:\n"
        var keys: [String] = []
        for column in 0..<width {
            let s = stats[column]
            out += "    - name: \(Self.quoted(names[column]))\n"
            if !dialect.matchByName, column < headerNames.count, !headerNames[column].isEmpty, headerNames[column] != names[column] {
                out += "      description: \(Self.quoted("In the file's header: " + headerNames[column]))\n"
            }
            let chosen = s.filled == 0 ? nil : Self.typeCandidates.indices.first { s.candidates & (1 << UInt32($0)) != 0 }
            var kind = chosen.map { Self.typeCandidates[$0].kind } ?? .string
            var note: String?
            if (kind == .integer || kind == .number), s.leadingZero {
                kind = .string
                note = "numbers with leading zeros (codes?): kept as text"
            }
            out += "      type: \(kind.rawValue)"
            if let chosen, kind == .date, let format = Self.typeCandidates[chosen].format {
                let others = Self.typeCandidates.indices.filter { $0 != chosen && s.candidates & (1 << UInt32($0)) != 0 && Self.typeCandidates[$0].kind == .date }
                out += "\n      format: \(Self.quoted(format))"
                if !others.isEmpty { note = "every value also reads as \(others.map { Self.typeCandidates[$0].format ?? "YYYY-MM-DD" }.joined(separator: ", ")): check which is meant" }
            }
            if s.filled == 0 { note = "always empty" }
            if let note { out += "  # \(note)" }
            out += "\n"
            let required = s.empty == 0 && s.filled > 0
            let values = s.manyDistinct ? [] : s.distinct.keys.sorted()
            let enumerated = kind == .string && !values.isEmpty && values.allSatisfy { $0.contains(where: \.isLetter) } && values.count <= 10 && dataRows >= values.count * 3 && values.count < dataRows
            if required || enumerated {
                out += "      constraints:\n"
                if required { out += "        required: true\n" }
                if enumerated { out += "        enum: [\(values.map(Self.quoted).joined(separator: ", "))]  # \(values.count) distinct values in \(s.filled)\n" }
            }
            if required, s.unique != nil, dataRows > 1, kind != .number, s.maxBytes <= Column.indexedTextLimit { keys.append(names[column]) }
        }
        if let key = keys.first {
            out += "  primaryKey: [\(Self.quoted(key))]"
            let others = keys.dropFirst()
            let sampleNote = read > uniqueLimit || sampleRows != nil ? " in the records read" : ""
            out += others.isEmpty ? "  # no two records share it\(sampleNote)\n" : "  # no two records share it\(sampleNote); so are \(others.map(Self.quoted).joined(separator: ", "))\n"
        }
        return out
    }

    /// "1 record is", "3 records are".
    static func count(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun) is" : "\(number) \(noun)s are"
    }

    /// A YAML double-quoted scalar (JSON's escapes, which YAML reads the same).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFEFF:
                out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
