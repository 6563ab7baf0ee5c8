/// What a column's values must satisfy besides their type (Frictionless Table Schema's `constraints`, less
/// `required` and `unique`, which `Column.nullable` and the validator's unique keys hold). Checked on a field
/// its type accepted, spaces around it trimmed.
public struct ValueConstraints: Sendable {
    /// A limit of a number or a date (an integer's limits are its type's range).
    public enum Bound: Sendable, CustomStringConvertible {
        case number(Double)
        case date(CalendarDate)

        public var description: String {
            switch self {
            case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
            case .date(let date): date.description
            }
        }
    }

    /// The values allowed (`enum`), as text; numbers compare by value.
    public var allowed: [String]?
    public var minLength: Int?
    public var maxLength: Int?
    public var pattern: TextPattern?
    public var minimum: Bound?
    public var maximum: Bound?

    public init(allowed: [String]? = nil, minLength: Int? = nil, maxLength: Int? = nil, pattern: TextPattern? = nil, minimum: Bound? = nil, maximum: Bound? = nil) {
        self.allowed = allowed
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
    }

    public var isEmpty: Bool {
        allowed == nil && minLength == nil && maxLength == nil && pattern == nil && minimum == nil && maximum == nil
    }

    /// Why a value of type `type` breaks the constraints, nil when it keeps them.
    func problem(_ trimmed: UnsafeBufferPointer<UInt8>, as type: FieldType) -> String? {
        let text = String(decoding: trimmed, as: UTF8.self)
        let number = type.isNumeric ? Double(text) : nil
        if let allowed {
            let listed = number.map { value in allowed.contains { Double($0) == value } } ?? allowed.contains(text)
            if !listed { return "\"\(text)\" is not one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))" }
        }
        if minLength != nil || maxLength != nil {
            let length = text.count
            if let minLength, length < minLength { return "\(length) characters long, fewer than \(minLength)" }
            if let maxLength, length > maxLength { return "\(length) characters long, more than \(maxLength)" }
        }
        if let pattern, !pattern.matches(text) { return "\"\(text)\" does not match the pattern \(pattern.source)" }
        for (bound, isMinimum) in [(minimum, true), (maximum, false)] {
            guard let bound else { continue }
            let outside: Bool
            switch bound {
            case .number(let limit):
                guard let number else { continue }
                outside = isMinimum ? number < limit : number > limit
            case .date(let limit):
                guard let date = type.date(trimmed) else { continue }
                outside = isMinimum ? date < limit : date > limit
            }
            if outside { return "\(text) is \(isMinimum ? "below the minimum" : "above the maximum") \(bound)" }
        }
        return nil
    }
}

/// A regular expression a whole value must match (Table Schema's `pattern` is implicitly anchored).
public final class TextPattern: @unchecked Sendable {
    public let source: String
    // Immutable once made; Regex matching does not mutate it.
    private let regex: Regex<AnyRegexOutput>

    /// Throws the compiler's reason when `source` is not a regular expression.
    public init(_ source: String) throws {
        self.source = source
        regex = try Regex(source)
    }

    func matches(_ text: String) -> Bool { (try? regex.wholeMatch(in: text)) != nil }
}
