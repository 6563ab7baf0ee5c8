import Records

/// Checks one input's records: the header against the declared columns (once), then each record's shape,
/// fields and uniqueness. A record passes whole or is rejected with the first problem found.
public struct RowValidator {
    public enum Verdict {
        case accepted([FieldValue])
        case rejected(field: String?, reason: String)
    }

    /// The input's name, for header errors.
    let name: String
    public let columns: [Column]
    let uniqueKey: [String]
    /// For each declared column, its position in the source's columns.
    public let positions: [Int]
    private let sourceWidth: Int
    private let keyPositions: [Int]
    private var firstLineOfKey: [[UInt8]: Int] = [:]

    /// Matches the source's columns to the declared ones by name; a missing, unknown or repeated column
    /// stops the load before any row is read. Records whose `uniqueKey` values repeat an earlier record's
    /// are rejected as duplicates.
    public init(name: String, columns: [Column], uniqueKey: [String] = [], source: RecordSource) throws {
        func fail(_ reason: String) -> HeaderError { HeaderError(path: source.sourceName, reason: reason) }
        var seen = Set<String>()
        for name in source.columns where !seen.insert(name).inserted {
            throw fail("column \"\(name)\" appears twice in the header")
        }
        let declared = columns.map(\.name)
        if let unknown = source.columns.first(where: { !declared.contains($0) }) {
            throw fail("unknown column \"\(unknown)\" in the header; \(name) expects \(declared.joined(separator: ","))")
        }
        let positions = try declared.map { name in
            guard let position = source.columns.firstIndex(of: name) else {
                throw fail("missing column \"\(name)\" in the header; \(name) expects \(declared.joined(separator: ","))")
            }
            return position
        }
        self.positions = positions
        self.name = name
        self.columns = columns
        self.uniqueKey = uniqueKey
        sourceWidth = source.columns.count
        keyPositions = try uniqueKey.map { key in
            guard let index = declared.firstIndex(of: key) else { throw fail("the unique key names \"\(key)\", which is not a column") }
            return positions[index]
        }
    }

    public mutating func check(_ record: SourceRecord, context: ValidationContext) -> Verdict {
        if let malformation = record.malformation {
            return .rejected(field: nil, reason: malformation)
        }
        guard record.fieldCount == sourceWidth else {
            return .rejected(field: nil, reason: "expected \(sourceWidth) fields, found \(record.fieldCount)")
        }
        var values: [FieldValue] = []
        values.reserveCapacity(positions.count)
        for (column, position) in zip(columns, positions) {
            let field = record.field(position)
            if record.isNull(position) {
                guard column.nullable else { return .rejected(field: column.name, reason: "required value is NULL") }
                values.append(.null)
                continue
            }
            if let missing = column.missing, field.trimmingSpaces().elementsEqual(missing.utf8) {
                values.append(.null)
                continue
            }
            let value = column.type.validate(field, context: context)
            if case .invalid(let reason) = value { return .rejected(field: column.name, reason: reason) }
            values.append(value)
        }
        if !keyPositions.isEmpty {
            var key: [UInt8] = []
            for position in keyPositions {
                key.append(contentsOf: record.field(position))
                key.append(0)  // NUL cannot occur in a valid field, so it separates unambiguously
            }
            if let first = firstLineOfKey[key] {
                return .rejected(field: nil, reason: "duplicate of line \(first) (\(uniqueKey.joined(separator: ", ")))")
            }
            firstLineOfKey[key] = record.line
        }
        return .accepted(values)
    }
}
