import Formats
import Records

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
    /// Each reference's keys (the key's bytes) with the rows they name.
    private var lookups: [Reference: [ByteKey: [Target]]] = [:]
    /// The reference resolved last, with its keys: a load resolves the same reference field after field,
    /// and finding its keys by the reference hashed its query and variables every time.
    private var recent: (reference: Reference, keys: [ByteKey: [Target]])?

    public init(today: CalendarDate = .today()) {
        self.today = today
    }

    /// Whether `reference` still needs its keys (they are read once per load: the tables do not change during it).
    public func lacks(_ reference: Reference) -> Bool {
        lookups[reference] == nil
    }

    /// Keeps the keys of `reference`: each key with the rows it names.
    public func store(_ reference: Reference, keys: [String: [Target]]) {
        lookups[reference] = Dictionary(uniqueKeysWithValues: keys.map { (ByteKey(copying: ArraySlice($0.key.utf8)), $0.value) })
        recent = nil
    }

    /// Appends the id of the row `key` names to `row`; nil when it names one, else why not.
    func resolve(_ reference: Reference, key bytes: UnsafeBufferPointer<UInt8>, into row: inout [UInt8]) -> String? {
        if recent?.reference != reference { recent = (reference, lookups[reference] ?? [:]) }
        let matches = recent!.keys[ByteKey(ArraySlice(bytes))] ?? []
        if matches.count == 1 {
            CopyText.appendEscaped(matches[0].id.utf8, to: &row)
            return nil
        }
        let key = String(decoding: bytes, as: UTF8.self)
        switch matches.count {
        case 0:
            return bytes.isEmpty ? "required \(reference.noun) is empty" : "unknown \(reference.noun) \"\(key)\""
        default:
            let labels = matches.map(\.label).joined(separator: "; ")
            return "ambiguous \(reference.noun) \"\(key)\": \(matches.count) match (\(labels))"
        }
    }
}
