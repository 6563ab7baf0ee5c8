/// What field validation needs beyond the field itself: the latest allowed date and the reference lookups,
/// which the loader reads from the database inside the load's transaction.
public final class ValidationContext {
    /// One row a reference's key may name.
    public struct Target: Sendable {
        public let id: String
        /// Describes the row in an ambiguity message ("Lanarkshire, Scotland").
        public let label: String

        public init(id: String, label: String) {
            self.id = id
            self.label = label
        }
    }

    let today: CalendarDate
    private var lookups: [Reference: [String: [Target]]] = [:]

    public init(today: CalendarDate = .today()) {
        self.today = today
    }

    /// Whether `reference` still needs its keys (they are read once per load: the tables do not change during it).
    public func lacks(_ reference: Reference) -> Bool {
        lookups[reference] == nil
    }

    /// Keeps the keys of `reference`: each key with the rows it names.
    public func store(_ reference: Reference, keys: [String: [Target]]) {
        lookups[reference] = keys
    }

    func resolve(_ reference: Reference, key bytes: ArraySlice<UInt8>) -> FieldValue {
        let key = String(decoding: bytes, as: UTF8.self)
        let matches = lookups[reference]?[key] ?? []
        switch matches.count {
        case 1:
            return .text(matches[0].id)
        case 0:
            return .invalid(bytes.isEmpty ? "required \(reference.noun) is empty" : "unknown \(reference.noun) \"\(key)\"")
        default:
            let labels = matches.map(\.label).joined(separator: "; ")
            return .invalid("ambiguous \(reference.noun) \"\(key)\": \(matches.count) match (\(labels))")
        }
    }
}
