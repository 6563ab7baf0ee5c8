import Records

/// What field validation needs beyond the field itself: the latest allowed date and the reference lookups,
/// which the loader reads from the database inside the load's transaction.
public final class ValidationContext {
    /// One row a reference's key may name.
    public struct Target: Sendable {
        public let id: String
        /// The id as an integer, when it is one (sent so in binary COPY).
        let number: Int?
        /// Describes the row in an ambiguity message ("Lanarkshire, Scotland").
        public let label: String

        public init(id: String, label: String) {
            self.id = id
            number = Int(id)
            self.label = label
        }
    }

    /// Why a key resolves to no row: unknown, empty or ambiguous.
    struct Unresolved: Error {
        let reason: String
    }

    let today: CalendarDate
    /// Each reference's keys (the key's bytes, numbering the rows they name) and those rows.
    private var lookups: [Reference: Keys] = [:]
    /// The reference resolved last, with its keys: a load resolves the same reference field after field,
    /// and finding its keys by the reference hashed its query and variables every time.
    private var recent: (reference: Reference, keys: Keys)?

    /// A reference's keys in a `LabelTable` (found by their bytes, without a key made per lookup), each
    /// numbering its rows in `targets`.
    private struct Keys {
        var table = LabelTable()
        var targets: [[Target]] = []
    }

    public init(today: CalendarDate = .today()) {
        self.today = today
    }

    /// Whether `reference` still needs its keys (they are read once per load: the tables do not change during it).
    public func lacks(_ reference: Reference) -> Bool {
        lookups[reference] == nil
    }

    /// Keeps the keys of `reference`: each key with the rows it names.
    public func store(_ reference: Reference, keys: [String: [Target]]) {
        var stored = Keys()
        for (key, targets) in keys {
            Array(key.utf8).withUnsafeBufferPointer { stored.table.insert($0, id: stored.targets.count) }
            stored.targets.append(targets)
        }
        lookups[reference] = stored
        recent = nil
    }

    /// The row `key` names, or why it names none or several.
    func resolve(_ reference: Reference, key bytes: UnsafeBufferPointer<UInt8>) -> Result<Target, Unresolved> {
        if recent?.reference != reference { recent = (reference, lookups[reference] ?? Keys()) }
        let matches = recent!.keys.table.id(of: bytes).map { recent!.keys.targets[$0] } ?? []
        if matches.count == 1 { return .success(matches[0]) }
        let key = String(decoding: bytes, as: UTF8.self)
        switch matches.count {
        case 0:
            return .failure(Unresolved(reason: bytes.isEmpty ? "required \(reference.noun) is empty" : "unknown \(reference.noun) \"\(key)\""))
        default:
            let labels = matches.map(\.label).joined(separator: "; ")
            return .failure(Unresolved(reason: "ambiguous \(reference.noun) \"\(key)\": \(matches.count) match (\(labels))"))
        }
    }
}
