/// What a field must hold, and how it becomes a COPY value. Every type first requires valid UTF-8 without
/// NUL bytes (Postgres text cannot hold NUL), so a name is stored byte for byte or not at all.
public enum FieldType: Sendable {
    /// Non-empty text.
    case text
    /// Text that may be empty; empty becomes NULL.
    case optionalText
    /// A calendar date written YYYY-MM-DD, from year 1 to today.
    case pastDate
    /// The key of a row in another table, resolved to that row's id through the named reference.
    case reference(Reference)
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
        switch self {
        case .text:
            return bytes.isEmpty ? .invalid("required text is empty") : .verbatim
        case .optionalText:
            return bytes.isEmpty ? .null : .verbatim
        case .pastDate:
            return CalendarDate.problem(in: bytes, latest: context.today).map(FieldValue.invalid) ?? .verbatim
        case .reference(let reference):
            return context.resolve(reference, key: bytes)
        }
    }
}
