import Formats

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
    /// A calendar date in `pattern` (YYYY-MM-DD when nil), years 1 to 9999; stored as a date.
    case date(DatePattern?)
    /// A date and time in ISO 8601 (`DateTimeText`), sent as written; the load's time zone is UTC.
    case dateTime
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

    var isNumeric: Bool {
        switch self {
        case .integer, .decimal: true
        default: false
        }
    }

    /// The date a field of a date type holds, nil for another type or a field that is no date.
    func date(_ trimmed: UnsafeBufferPointer<UInt8>) -> CalendarDate? {
        switch self {
        case .date(let pattern?): pattern.read(trimmed)
        case .date(nil), .pastDate: try? CalendarDate.read(trimmed, latest: CalendarDate.latest).get()
        default: nil
        }
    }
}

/// How a field came out of its checks: its value written, NULL (nothing written), or why it is refused.
enum Encoded {
    case value
    case null
    case invalid(String)
}

extension FieldType {
    /// Checks a field and writes its value to `row` as column `column` of `format` takes it, without the
    /// field's framing (the caller's). Part of the value may be in `row` when the field is refused: the
    /// caller drops the row. `trimmed` is the field without the spaces around it. A category is written as
    /// its label; `RowValidator` sends its id instead.
    func encode(
        _ field: UnsafeBufferPointer<UInt8>, trimmed: UnsafeBufferPointer<UInt8>, context: ValidationContext, into row: inout [UInt8],
        as format: CopyRowFormat = .text, column: Int = 0
    ) -> Encoded {
        if let problem = UTF8Check.problem(in: field) { return .invalid(problem) }
        switch self {
        case .text:
            if field.isEmpty { return .invalid("required text is empty") }
            format.text(field, in: &row)
        case .optionalText:
            if field.isEmpty { return .null }
            format.text(field, in: &row)
        case .rawText:
            format.text(field, in: &row)
        case .pastDate:
            switch CalendarDate.read(field, latest: context.today) {
            case .failure(let problem): return .invalid(problem.reason)
            case .success(let date): format.date(daysSince2000: date.daysSince2000, iso: field, column: column, in: &row)
            }
        case .date(let pattern):
            guard let date = date(trimmed) else {
                if pattern == nil, case .failure(let problem) = CalendarDate.read(trimmed, latest: CalendarDate.latest) { return .invalid(problem.reason) }
                return .invalid("not a date in the form \(pattern?.description ?? "YYYY-MM-DD")")
            }
            format.date(daysSince2000: date.daysSince2000, iso: date.description.utf8, column: column, in: &row)
        case .dateTime:
            if let problem = DateTimeText.problem(trimmed) { return .invalid(problem) }
            format.plain(trimmed, in: &row)
        case .reference(let reference):
            switch context.resolve(reference, key: field) {
            case .failure(let problem): return .invalid(problem.reason)
            case .success(let target):
                if format.binaryType(column)?.integerRange != nil {
                    guard let number = target.number, format.integer(number, column: column, in: &row) else {
                        return .invalid("\(reference.noun) id \"\(target.id)\" does not fit the column")
                    }
                } else {
                    format.text(target.id.utf8, in: &row)
                }
            }
        case .integer(let range):
            guard let value = Number.integer(trimmed) else { return .invalid("not a whole number") }
            guard range.contains(value) else { return .invalid("\(value) is outside \(range.lowerBound)...\(range.upperBound)") }
            if format.binaryType(column)?.integerRange == nil, trimmed.count == field.count, Number.isCanonical(trimmed) {
                // Written as Postgres prints it (the usual case): sent as it is, without a String made per field.
                format.plain(field, in: &row)
            } else {
                _ = format.integer(value, column: column, in: &row)  // the range fits the type (`writes`)
            }
        case .decimal(let nonNegative):
            guard Number.isDecimal(trimmed) else { return .invalid("not a decimal number") }
            if nonNegative, trimmed.first == UInt8(ascii: "-"), trimmed.contains(where: Number.isNonZeroDigit) {
                return .invalid("\(String(decoding: trimmed, as: UTF8.self)) is below 0")
            }
            format.plain(trimmed, in: &row)
        case .category:
            if let problem = Self.categoryProblem(trimmed) { return .invalid(problem) }
            format.text(trimmed, in: &row)
        case .choice(let values):
            guard let value = values.first(where: { $0.key.utf8.elementsEqual(trimmed) })?.value else {
                let key = String(decoding: trimmed, as: UTF8.self)
                return .invalid("\"\(key)\" is not one of \(values.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            format.text(value.utf8, in: &row)
        }
        return .value
    }

    /// Whether `encode` writes this type's values in the binary form of a column of `type`: text as text,
    /// a date as a date, an integer or a reference's id as an integer type that holds it; everything else
    /// (a decimal, a choice) goes as COPY text.
    func writes(binary type: CopyBinary.ColumnType) -> Bool {
        switch (self, type) {
        case (_, .text): true
        case (.pastDate, .date), (.date, .date): true
        case (.integer(let range), _): type.integerRange.map { $0.contains(range.lowerBound) && $0.contains(range.upperBound) } ?? false
        case (.reference, _): type.integerRange != nil
        default: false
        }
    }

    /// Why a category label (trimmed, valid UTF-8) cannot be stored, nil when it can.
    static func categoryProblem(_ trimmed: UnsafeBufferPointer<UInt8>) -> String? {
        if trimmed.isEmpty { return "required category is blank" }
        return trimmed.count > Column.indexedTextLimit ? "category is \(trimmed.count) bytes long, more than \(Column.indexedTextLimit)" : nil
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes without the spaces before and after them.
    @inline(__always)
    func trimmingSpaces() -> UnsafeBufferPointer<UInt8> {
        let space = UInt8(ascii: " ")
        var start = 0, end = count
        while start < end, self[start] == space { start += 1 }
        while end > start, self[end - 1] == space { end -= 1 }
        return start == 0 && end == count ? self : UnsafeBufferPointer(rebasing: self[start..<end])
    }

    /// Whether the bytes are those of `other`: compared a word at a time (the last word overlapping the one
    /// before), which for fields and labels of a few dozen bytes beats a call to `memcmp`.
    @inline(__always)
    func equals(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        guard count >= 8 else { return elementsEqual(other) }
        let left = UnsafeRawBufferPointer(self), right = UnsafeRawBufferPointer(other)
        var offset = 0
        while offset + 8 < count {
            guard left.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        return left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
}

/// Number syntax as Postgres's integer and numeric input accept it, without exponents.
enum Number {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func isInteger(_ bytes: Bytes) -> Bool {
        let digits = bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") ? Bytes(rebasing: bytes.dropFirst()) : bytes
        return !digits.isEmpty && digits.count <= 18 && digits.allSatisfy(isDigit)
    }

    /// The value of an integer as `isInteger` accepts it, read from the bytes.
    static func integer(_ bytes: Bytes) -> Int? {
        guard isInteger(bytes) else { return nil }
        let negative = bytes.first == UInt8(ascii: "-")
        var value = 0
        for byte in bytes where byte != UInt8(ascii: "-") && byte != UInt8(ascii: "+") {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))  // at most 18 digits: no overflow
        }
        return negative ? -value : value
    }

    /// An integer spelled as Postgres prints it: no sign but a minus, no leading zero, no `-0`.
    static func isCanonical(_ integer: Bytes) -> Bool {
        let digits = integer.first == UInt8(ascii: "-") ? Bytes(rebasing: integer.dropFirst()) : integer
        guard let first = digits.first, integer.first != UInt8(ascii: "+") else { return false }
        return first != UInt8(ascii: "0") || (digits.count == 1 && digits.count == integer.count)
    }

    static func isDecimal(_ bytes: Bytes) -> Bool {
        guard let point = bytes.firstIndex(of: UInt8(ascii: ".")) else { return isInteger(bytes) }
        let whole = Bytes(rebasing: bytes[..<point]), fraction = Bytes(rebasing: bytes[(point + 1)...])
        guard whole.isEmpty || isInteger(whole) else { return false }
        return !fraction.isEmpty && fraction.count <= maximumFractionDigits && fraction.allSatisfy(isDigit)
    }

    /// Digits after the decimal point Postgres's numeric input accepts.
    static let maximumFractionDigits = 16383

    static func isNonZeroDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(byte) }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

extension FieldType {
    /// Whether the validator takes `field` (as the file holds it) as a value of this type. `ingest infer` asks
    /// it of each candidate type, so the types of a draft contract are the validator's own.
    public func accepts(_ field: UnsafeBufferPointer<UInt8>, context: ValidationContext) -> Bool {
        var row: [UInt8] = []
        if case .value = encode(field, trimmed: field.trimmingSpaces(), context: context, into: &row) { return true }
        return false
    }
}
