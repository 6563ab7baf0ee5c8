import Failures

/// The objects of one array inside a JSON document (`result.records` of a CKAN `datastore_search_sql`
/// response, say) read as a stream of records, so a file of any size is read in flat memory: values outside
/// the array are skipped without being kept, and only the record being read is held.
///
/// Each record must be an object with exactly the declared keys, in any order. A key's value becomes the
/// field: a string unescaped to its UTF-8 bytes, a number as written (only where the key is declared a
/// number), `null` as a null field. A record's line is the line its `{` is on and its `position` its index
/// in the array; its raw text is the object as written.
///
/// What is wrong with one record (a missing, unknown or repeated key, a number where a string is expected,
/// an object as a value, a lone surrogate escape) rejects that record alone. What makes the document itself
/// unreadable (it is not JSON, it ends early, the array is not where it is declared) stops the load with
/// one line naming the file, the line and what was found: records after that point cannot be accounted for.
public final class JSONRecordSource: RecordSource {
    public let columns: [String]
    public var sourceName: String { input.path }
    public let input: FileInput
    /// The keys whose values are JSON numbers; every other key holds a string (or null).
    private let numberKeys: Set<[UInt8]>
    private let columnIndex: [[UInt8]: Int]
    /// The keys of the objects that lead to the array, outermost first.
    private let path: [String]
    private var line = 1
    /// The last byte consumed was a CR: a line break counts at its CR, so an LF right after it does not count.
    private var afterCR = false
    private var position = 0
    private var finished = false
    /// Set while a record is read: every byte consumed is also its raw text.
    private var record: SourceRecord?

    /// Opens `input` and reads up to the first record of the array found under `path` (object keys from the
    /// top level down; empty when the document is the array). `columns` are the records' keys, in the order
    /// their fields are given; `numbers` names those whose values are numbers.
    public init(input: FileInput, path: [String], columns: [String], numbers: Set<String> = []) throws {
        self.input = input
        self.path = path
        self.columns = columns
        numberKeys = Set(numbers.map { Array($0.utf8) })
        columnIndex = Dictionary(uniqueKeysWithValues: columns.enumerated().map { (Array($0.element.utf8), $0.offset) })
        try input.skip(prefix: [0xEF, 0xBB, 0xBF])
        for (depth, key) in path.enumerated() {
            let place = depth == 0 ? "the document" : path[..<depth].joined(separator: ".")
            try expect(UInt8(ascii: "{"), "\(place) to be an object")
            try findKey(key, in: place)
        }
        try expect(UInt8(ascii: "["), "\(arrayName) to be an array")
    }

    /// Records are not lines here: a record's line only says where it starts.
    public var lines: Int? { nil }

    private var arrayName: String { path.isEmpty ? "the document" : path.joined(separator: ".") }

    public func next() throws -> SourceRecord? {
        guard !finished else { return nil }
        if position > 0 {
            switch try significant("after record \(position - 1) of \(arrayName)") {
            case UInt8(ascii: ","): break
            case UInt8(ascii: "]"): return try finish()
            case let byte: throw unexpected(byte, wanted: "',' or ']' after record \(position - 1) of \(arrayName)")
            }
        } else if try peekSignificant() == UInt8(ascii: "]") {
            _ = try take()
            return try finish()
        }
        guard try peekSignificant() == UInt8(ascii: "{") else {
            let byte = try significant("in \(arrayName)")
            throw unexpected(byte, wanted: "an object for record \(position) of \(arrayName)")
        }
        record = SourceRecord(line: line)
        record?.position = position
        defer { record = nil }
        try readObject()
        position += 1
        return record
    }

    // MARK: - Records

    /// Reads one record's object; its fields come out in the order of `columns`, whatever the file's order.
    private func readObject() throws {
        _ = try take()  // {
        let where_ = "record \(position) (line \(line))"
        var values = [(bytes: [UInt8], isNull: Bool)?](repeating: nil, count: columns.count)
        var problem: String?
        if try peekSignificant() == UInt8(ascii: "}") {
            _ = try take()
        } else {
            while true {
                guard try significant("in \(where_)") == UInt8(ascii: "\"") else {
                    throw DataError(path: input.path, reason: "line \(line): expected a key in \(where_)")
                }
                var key: [UInt8] = []
                if let bad = try readString(into: &key) { problem = problem ?? "a key \(bad)" }
                try expectSignificant(UInt8(ascii: ":"), after: "a key in \(where_)")
                let name = String(decoding: key, as: UTF8.self)
                let index = columnIndex[key]
                var value: [UInt8] = []
                let kind = try readValue(into: &value)
                if let index {
                    if values[index] != nil {
                        problem = problem ?? "key \"\(name)\" appears twice"
                    } else if let wrong = Self.mismatch(kind, expected: numberKeys.contains(key) ? .number : .string) {
                        problem = problem ?? "key \"\(name)\" holds \(wrong)"
                    }
                    values[index] = (value, kind == .null)
                } else {
                    problem = problem ?? "unknown key \"\(name)\" (expected \(columns.joined(separator: ", ")))"
                }
                switch try significant("in \(where_)") {
                case UInt8(ascii: ","): continue
                case UInt8(ascii: "}"): break
                case let byte: throw unexpected(byte, wanted: "',' or '}' in \(where_)")
                }
                break
            }
        }
        if problem == nil, let missing = values.indices.first(where: { values[$0] == nil }) {
            problem = "key \"\(columns[missing])\" is missing"
        }
        if let problem {
            record?.malformation = problem
            return
        }
        for case let (bytes, isNull)? in values {
            if isNull {
                record?.appendNullField()
            } else {
                record?.append(contentsOf: bytes)
                record?.endField()
            }
        }
    }

    enum Kind: Equatable {
        case string, number, null
        /// An object, an array, a boolean: what it is.
        case other(String)
        /// A string that cannot be a value, and why.
        case unusable(String)
    }

    /// What a value of `kind` is, said for a reject, when it is not what the key holds (null always fits).
    private static func mismatch(_ kind: Kind, expected: Kind) -> String? {
        switch (kind, expected) {
        case (.null, _), (.string, .string), (.number, .number): return nil
        case (.unusable(let why), _): return why
        case (.string, _): return "a string where a number is expected"
        case (.number, _): return "a number where a string is expected"
        case (.other(let what), .number): return "\(what) where a number is expected"
        case (.other(let what), _): return "\(what) where a string is expected"
        }
    }

    /// Reads one value: a string's unescaped bytes or a number's text go into `bytes`; an object, array or
    /// literal is read through and only named.
    private func readValue(into bytes: inout [UInt8]) throws -> Kind {
        guard let next = try peekSignificant() else {
            throw DataError(path: input.path, reason: "line \(line): the file ends where a value is expected; it is cut short")
        }
        switch next {
        case UInt8(ascii: "\""):
            _ = try take()
            if let bad = try readString(into: &bytes) { return .unusable("a string \(bad)") }
            return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try readNumber(into: &bytes)
            return .number
        case UInt8(ascii: "{"):
            try skipValue()
            return .other("an object")
        case UInt8(ascii: "["):
            try skipValue()
            return .other("an array")
        default:
            let word = try readLiteral()
            return word == "null" ? .null : .other(word)
        }
    }

    // MARK: - The document around the records

    /// Moves past the members of the current object up to `key`'s value.
    private func findKey(_ wanted: String, in place: String) throws {
        var first = true
        while true {
            var byte = try significant("in \(place)")
            if !first, byte == UInt8(ascii: ",") { byte = try significant("in \(place)") }
            else if !first, byte != UInt8(ascii: "}") { throw unexpected(byte, wanted: "',' or '}' in \(place)") }
            if byte == UInt8(ascii: "}") {
                throw DataError(path: input.path, reason: "line \(line): \(place) has no key \"\(wanted)\"; expected the records at \(arrayName)")
            }
            guard byte == UInt8(ascii: "\"") else { throw unexpected(byte, wanted: "a key in \(place)") }
            first = false
            var key: [UInt8] = []
            _ = try readString(into: &key)
            try expectSignificant(UInt8(ascii: ":"), after: "a key in \(place)")
            if key.elementsEqual(wanted.utf8) { return }
            try skipValue()
        }
    }

    /// After the array's `]`: the objects that hold it are read to their end, and nothing but white space
    /// may follow, so a document cut short after its records is still refused.
    private func finish() throws -> SourceRecord? {
        for depth in path.indices.reversed() {
            let place = depth == 0 ? "the document" : path[..<depth].joined(separator: ".")
            while true {
                switch try significant("in \(place)") {
                case UInt8(ascii: "}"): break
                case UInt8(ascii: ","):
                    guard try significant("in \(place)") == UInt8(ascii: "\"") else {
                        throw DataError(path: input.path, reason: "line \(line): expected a key in \(place)")
                    }
                    var key: [UInt8] = []
                    _ = try readString(into: &key)
                    // A second key of the path: which one holds the records is anyone's guess (parsers differ).
                    if key.elementsEqual(path[depth].utf8) {
                        throw DataError(path: input.path, reason: "line \(line): \(place) has the key \"\(path[depth])\" twice; which holds the records is not clear")
                    }
                    try expectSignificant(UInt8(ascii: ":"), after: "a key in \(place)")
                    try skipValue()
                    continue
                case let byte: throw unexpected(byte, wanted: "',' or '}' in \(place)")
                }
                break
            }
        }
        if let byte = try peekSignificant() {
            throw unexpected(byte, wanted: "the end of the file after the document")
        }
        finished = true
        return nil
    }

    // MARK: - Tokens

    private static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Consumes one byte, counting lines and keeping it as the current record's raw text.
    @inline(__always)
    private func take() throws -> UInt8? {
        guard let byte = try input.next() else { return nil }
        countLine(byte)
        record?.appendRaw(byte)
        return byte
    }

    /// Counts LF, CRLF and a lone CR as one line break each.
    @inline(__always)
    private func countLine(_ byte: UInt8) {
        if byte == Self.lf {
            if !afterCR { line += 1 }
            afterCR = false
        } else if byte == Self.cr {
            line += 1
            afterCR = true
        } else {
            afterCR = false
        }
    }

    /// Consumes a run of bytes `accept` takes, kept in `bytes` (when given) and as the record's raw text.
    @inline(__always)
    private func consumeRun(while accept: (UInt8) -> Bool, into bytes: UnsafeMutablePointer<[UInt8]>?) throws -> UInt8? {
        try input.consume(while: accept) { run in
            for byte in run where byte == Self.lf || byte == Self.cr { countLine(byte) }
            if let last = run.last, last != Self.lf, last != Self.cr { afterCR = false }
            record?.appendRaw(contentsOf: run)
            // A value is kept up to one byte past the limit, enough to know it is too long.
            if let bytes, bytes.pointee.count <= SourceRecord.maximumSize {
                bytes.pointee.append(contentsOf: run.prefix(SourceRecord.maximumSize + 1 - bytes.pointee.count))
            }
        }
    }

    /// The next byte that is not JSON white space, not consumed; nil at the end of the file.
    private func peekSignificant() throws -> UInt8? {
        try consumeRun(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }, into: nil)
    }

    /// Consumes the next byte that is not white space; the end of the file here is an error.
    private func significant(_ place: String) throws -> UInt8 {
        guard try peekSignificant() != nil, let byte = try take() else {
            throw DataError(path: input.path, reason: "line \(line): the file ends \(place); it is cut short")
        }
        return byte
    }

    private func expect(_ wanted: UInt8, _ what: String) throws {
        guard try peekSignificant() != nil else {
            throw DataError(path: input.path, reason: "line \(line): the file ends; expected \(what); it is empty or cut short")
        }
        let byte = try significant("")
        guard byte == wanted else { throw unexpected(byte, wanted: "'\(Character(Unicode.Scalar(wanted)))': expected \(what)") }
    }

    private func expectSignificant(_ wanted: UInt8, after what: String) throws {
        let byte = try significant("after \(what)")
        guard byte == wanted else { throw unexpected(byte, wanted: "'\(Character(Unicode.Scalar(wanted)))' after \(what)") }
    }

    private func unexpected(_ byte: UInt8, wanted: String) -> DataError {
        let found = (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return DataError(path: input.path, reason: "line \(line): found \(found), wanted \(wanted); not the JSON expected")
    }

    /// Reads a string's body (its opening quote consumed) into `bytes`, unescaped. Bytes are passed through
    /// as they are: checking UTF-8 is the validator's job, per field. Returns why the string cannot be a
    /// value (a lone surrogate, a control character), or nil.
    private func readString(into bytes: inout [UInt8]) throws -> String? {
        var problem: String?
        while true {
            // Plain bytes a run at a time; a quote, a backslash or a control character is read alone below.
            _ = try withUnsafeMutablePointer(to: &bytes) { pointer in
                try consumeRun(while: { $0 != 0x22 && $0 != 0x5C && $0 >= 0x20 }, into: pointer)
            }
            if bytes.count > SourceRecord.maximumSize {
                // Kept no further (consumeRun stops one byte past): a runaway string must not hold the file.
                problem = problem ?? "longer than \(SourceRecord.maximumSize >> 20) MiB"
                bytes.removeLast(bytes.count - SourceRecord.maximumSize - 1)
            }
            guard let byte = try take() else {
                throw DataError(path: input.path, reason: "line \(line): the file ends inside a string; it is cut short")
            }
            switch byte {
            case UInt8(ascii: "\""):
                return problem
            case UInt8(ascii: "\\"):
                guard let escaped = try take() else { continue }
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(Self.lf)
                case UInt8(ascii: "r"): bytes.append(Self.cr)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var unit = try readHex4()
                    if (0xD800..<0xDC00).contains(unit) {
                        // A high surrogate must be followed by an escaped low one.
                        guard try take() == UInt8(ascii: "\\"), try take() == UInt8(ascii: "u") else {
                            problem = problem ?? "with a lone surrogate escape"
                            continue
                        }
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            problem = problem ?? "with a lone surrogate escape"
                            continue
                        }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(unit) {
                        problem = problem ?? "with a lone surrogate escape"
                        continue
                    }
                    if let scalar = Unicode.Scalar(unit) { bytes.append(contentsOf: String(scalar).utf8) }
                default:
                    throw unexpected(escaped, wanted: "an escape character after '\\'")
                }
            case 0..<0x20:
                problem = problem ?? "with an unescaped control character"
                bytes.append(byte)
            default:
                bytes.append(byte)
            }

        }
    }

    private func readHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try take(), let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw DataError(path: input.path, reason: "line \(line): a \\u escape without four hexadecimal digits; not the JSON expected")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Reads a number as JSON writes it (`-0.5e3`), keeping its text.
    private func readNumber(into bytes: inout [UInt8]) throws {
        func digits() throws -> Int {
            var count = 0
            while let byte = try input.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                bytes.append(try take()!)
                count += 1
            }
            return count
        }
        func malformed() -> DataError {
            DataError(path: input.path, reason: "line \(line): a malformed number \"\(String(decoding: bytes, as: UTF8.self))\"; not the JSON expected")
        }
        if try input.peek() == UInt8(ascii: "-") { bytes.append(try take()!) }
        let leadingZero = try input.peek() == UInt8(ascii: "0")
        let whole = try digits()
        guard whole > 0, !(leadingZero && whole > 1) else { throw malformed() }
        if try input.peek() == UInt8(ascii: ".") {
            bytes.append(try take()!)
            guard try digits() > 0 else { throw malformed() }
        }
        if let byte = try input.peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            bytes.append(try take()!)
            if let sign = try input.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes.append(try take()!)
            }
            guard try digits() > 0 else { throw malformed() }
        }
    }

    /// Reads `true`, `false` or `null`.
    private func readLiteral() throws -> String {
        let first = try peekSignificant()
        guard let word = ["true", "false", "null"].first(where: { $0.utf8.first == first }) else {
            let byte = try significant("where a value is expected")
            throw unexpected(byte, wanted: "a value")
        }
        for expected in word.utf8 {
            guard let byte = try take() else { throw DataError(path: input.path, reason: "line \(line): the file ends inside \(word); it is cut short") }
            guard byte == expected else { throw unexpected(byte, wanted: word) }
        }
        return word
    }

    /// Reads any value through without keeping it. Nesting is a stack of flags (object or array), not
    /// recursion, so a deeply nested value cannot overflow the stack.
    private func skipValue() throws {
        var objects: [Bool] = []
        var ignored: [UInt8] = []
        while true {
            // A value: a container opens, anything else is read whole.
            switch try peekSignificant() {
            case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
                let isObject = try take() == UInt8(ascii: "{")
                objects.append(isObject)
                if try peekSignificant() == UInt8(ascii: isObject ? "}" : "]") {
                    _ = try take()
                    objects.removeLast()
                } else {
                    if isObject { try skipKey() }
                    continue
                }
            default:
                ignored.removeAll(keepingCapacity: true)
                _ = try readValue(into: &ignored)
            }
            // After a value: the next member, or the end of containers.
            while let isObject = objects.last {
                let byte = try significant("inside a value")
                if byte == UInt8(ascii: ",") {
                    if isObject { try skipKey() }
                    break
                }
                guard byte == UInt8(ascii: isObject ? "}" : "]") else {
                    throw unexpected(byte, wanted: isObject ? "',' or '}'" : "',' or ']'")
                }
                objects.removeLast()
            }
            if objects.isEmpty { return }
        }
    }

    /// Reads an object's key and its colon, not kept.
    private func skipKey() throws {
        let byte = try significant("inside an object")
        guard byte == UInt8(ascii: "\"") else { throw unexpected(byte, wanted: "a key") }
        var ignored: [UInt8] = []
        _ = try readString(into: &ignored)
        try expectSignificant(UInt8(ascii: ":"), after: "a key")
    }
}
