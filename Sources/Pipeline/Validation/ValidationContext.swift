import Postgres

/// What field validation needs beyond the field itself: the latest allowed date and the reference lookups,
/// read from the database inside the load's transaction.
public final class ValidationContext {
    let today: CalendarDate
    private var lookups: [String: [String: [(id: String, label: String)]]] = [:]

    public init(today: CalendarDate = .today()) {
        self.today = today
    }

    /// Reads the keys of `reference` (once per load; the tables it reads do not change during the load).
    func prepare(_ reference: Reference, connection: Connection) throws {
        guard lookups[reference.query] == nil else { return }
        var lookup: [String: [(id: String, label: String)]] = [:]
        for row in try connection.query(reference.query).rows {
            lookup[row[0] ?? "", default: []].append((row[1] ?? "", row[2] ?? ""))
        }
        lookups[reference.query] = lookup
    }

    func resolve(_ reference: Reference, key bytes: ArraySlice<UInt8>) -> FieldValue {
        let key = String(decoding: bytes, as: UTF8.self)
        let matches = lookups[reference.query]?[key] ?? []
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
