/// What a field must hold, and how it becomes a COPY value. Every type first requires valid UTF-8 without
/// NUL bytes (Postgres text cannot hold NUL), so a name is stored byte for byte or not at all.
public enum FieldType: Sendable {
    /// Non-empty text.
    case text
    /// Text that may be empty; empty becomes NULL.
    case optionalText
    /// Any text, empty included, stored as it is: a raw table keeps what was delivered, and its checks
    /// and cleaning run in SQL.
    case rawText
    /// A calendar date written YYYY-MM-DD, from year 1 to today.
    case pastDate
    /// The key of a row in another table, resolved to that row's id through the named reference.
    case reference(Reference)
    /// A whole number in this range; spaces around it are ignored.
    case integer(ClosedRange<Int>)
    /// A decimal number such as `1032.38`, with at most `Number.maximumFractionDigits` digits after the point
    /// (Postgres numeric's limit); `nonNegative` refuses any value below zero. Spaces around it are ignored.
    case decimal(nonNegative: Bool)
    /// A category label, sent as the id of its (trimmed) label in the column's lookup table, a new label
    /// numbered by `RowValidator` and added to the table by the loader; it must not be blank, nor longer than
    /// `Column.indexedTextLimit` (labels are unique keys), nor differ from a label already known only in
    /// upper and lower case.
    case category
    /// One of a few spellings (spaces around it ignored), each stored as the value it maps to.
    case choice([String: String])
}

extension FieldType {
    public var isCategory: Bool {
        if case .category = self { return true }
        return false
    }
}

/// A field's verdict: the bytes to send to COPY, or why the row is rejected.
public enum FieldValue {
    /// The field's own bytes are the value.
    case verbatim
    case null
    case text(String)
    case invalid(String)
}

extension FieldType {
    func validate(_ bytes: ArraySlice<UInt8>, context: ValidationContext) -> FieldValue {
        if let problem = UTF8Check.problem(in: bytes) { return .invalid(problem) }
        let trimmed = bytes.trimmingSpaces()
        switch self {
        case .text:
            return bytes.isEmpty ? .invalid("required text is empty") : .verbatim
        case .optionalText:
            return bytes.isEmpty ? .null : .verbatim
        case .rawText:
            return .verbatim
        case .pastDate:
            return CalendarDate.problem(in: bytes, latest: context.today).map(FieldValue.invalid) ?? .verbatim
        case .reference(let reference):
            return context.resolve(reference, key: bytes)
        case .integer(let range):
            guard let value = Number.integer(trimmed) else { return .invalid("not a whole number") }
            guard range.contains(value) else { return .invalid("\(value) is outside \(range.lowerBound)...\(range.upperBound)") }
            // Written as Postgres prints it (the usual case): sent as it is, without a String made per field.
            return trimmed.count == bytes.count && Number.isCanonical(trimmed) ? .verbatim : .text(String(value))
        case .decimal(let nonNegative):
            guard Number.isDecimal(trimmed) else { return .invalid("not a decimal number") }
            let text = String(decoding: trimmed, as: UTF8.self)
            if nonNegative, trimmed.first == UInt8(ascii: "-"), trimmed.contains(where: Number.isNonZeroDigit) {
                return .invalid("\(text) is below 0")
            }
            return .text(text)
        case .category:
            if trimmed.isEmpty { return .invalid("required category is blank") }
            return trimmed.count > Column.indexedTextLimit
                ? .invalid("category is \(trimmed.count) bytes long, more than \(Column.indexedTextLimit)") : .verbatim
        case .choice(let values):
            let key = String(decoding: trimmed, as: UTF8.self)
            guard let value = values[key] else {
                return .invalid("\"\(key)\" is not one of \(values.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            return .text(value)
        }
    }
}

extension ArraySlice<UInt8> {
    public func trimmingSpaces() -> ArraySlice<UInt8> {
        let space = UInt8(ascii: " ")
        guard let first = firstIndex(where: { $0 != space }) else { return self[endIndex...] }
        return self[first...lastIndex(where: { $0 != space })!]
    }
}

/// Number syntax as Postgres's integer and numeric input accept it, without exponents.
enum Number {
    static func isInteger(_ bytes: ArraySlice<UInt8>) -> Bool {
        let digits = bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes
        return !digits.isEmpty && digits.count <= 18 && digits.allSatisfy(isDigit)
    }

    /// The value of an integer as `isInteger` accepts it, read from the bytes.
    static func integer(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard isInteger(bytes) else { return nil }
        let negative = bytes.first == UInt8(ascii: "-")
        var value = 0
        for byte in bytes where byte != UInt8(ascii: "-") && byte != UInt8(ascii: "+") {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))  // at most 18 digits: no overflow
        }
        return negative ? -value : value
    }

    /// An integer spelled as Postgres prints it: no sign but a minus, no leading zero, no `-0`.
    static func isCanonical(_ integer: ArraySlice<UInt8>) -> Bool {
        let digits = integer.first == UInt8(ascii: "-") ? integer.dropFirst() : integer
        guard let first = digits.first, integer.first != UInt8(ascii: "+") else { return false }
        return first != UInt8(ascii: "0") || (digits.count == 1 && digits.count == integer.count)
    }

    static func isDecimal(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, isInteger(whole) || (whole.isEmpty && parts.count == 2) else { return false }
        return parts.count == 1
            || (!parts[1].isEmpty && parts[1].count <= maximumFractionDigits && parts[1].allSatisfy(isDigit))
    }

    /// Digits after the decimal point Postgres's numeric input accepts.
    static let maximumFractionDigits = 16383

    static func isNonZeroDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(byte) }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
