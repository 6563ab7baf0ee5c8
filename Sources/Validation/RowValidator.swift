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
    private let keyIndexes: [Int]
    /// By category column, each label known (trimmed, exact bytes) with its lookup id as COPY text: the
    /// lookup table's rows (`knowCategoryLabels`), then the labels accepted records add, numbered on from the
    /// table's largest id in order of first appearance. One lookup per field says both whether a label is new
    /// and what to send for it.
    private var categoryIDs: [[ByteKey: String]]
    private var nextCategoryID: [Int]
    /// The labels accepted records added, by column, as the lookup tables are to get them.
    public private(set) var addedCategories: [[AddedCategory]]
    /// Known labels folded to lower case, with the spelling first seen; by column.
    private var categoryFolded: [Int: [String: String]] = [:]
    private var firstLineOfKey: [ByteKey: Int] = [:]
    /// Per column: its `missing` spelling as bytes, and whether it is a category.
    private let missingSpellings: [ByteKey?]
    private let isCategory: [Bool]

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
        let positions = try declared.map { column in
            guard let position = source.columns.firstIndex(of: column) else {
                throw fail("missing column \"\(column)\" in the header; \(name) expects \(declared.joined(separator: ","))")
            }
            return position
        }
        self.positions = positions
        self.name = name
        self.columns = columns
        self.uniqueKey = uniqueKey
        sourceWidth = source.columns.count
        keyIndexes = try uniqueKey.map { key in
            guard let index = declared.firstIndex(of: key) else { throw fail("the unique key names \"\(key)\", which is not a column") }
            return index
        }
        keyPositions = keyIndexes.map { positions[$0] }
        categoryIDs = Array(repeating: [:], count: columns.count)
        nextCategoryID = Array(repeating: 1, count: columns.count)
        addedCategories = Array(repeating: [], count: columns.count)
        missingSpellings = columns.map { $0.missing.map { ByteKey(ArraySlice($0.utf8)) } }
        isCategory = columns.map(\.type.isCategory)
    }

    /// The rows of a category column's lookup table (id and label), read before the file is: each label is
    /// sent as its id, a new label is numbered on from the largest id and compared with the known ones in its
    /// case-folded form, the oldest (smallest id) first.
    public mutating func knowCategoryLabels(_ rows: [(id: Int, label: String)], column: String) {
        guard let index = columns.firstIndex(where: { $0.name == column }) else { return }
        for row in rows.sorted(by: { $0.id < $1.id }) {
            know(Array(row.label.utf8)[...], id: String(row.id), column: index)
            nextCategoryID[index] = max(nextCategoryID[index], row.id + 1)
        }
    }

    /// A label not yet known that differs from a known one only in upper and lower case (`female` beside
    /// `Female`) would become a category of its own and split every share it is counted in: it is refused.
    private func caseVariant(_ label: ArraySlice<UInt8>, column: Int) -> String? {
        let text = String(decoding: label, as: UTF8.self)
        guard let known = categoryFolded[column]?[text.lowercased()], known != text else { return nil }
        return "category \"\(text)\" differs from the known \"\(known)\" only in upper and lower case"
    }

    private mutating func know(_ label: ArraySlice<UInt8>, id: String, column: Int) {
        guard categoryIDs[column][ByteKey(label)] == nil else { return }
        categoryIDs[column][ByteKey(copying: label)] = id
        let text = String(decoding: label, as: UTF8.self), folded = text.lowercased()
        if categoryFolded[column]?[folded] == nil { categoryFolded[column, default: [:]][folded] = text }
    }

    /// Numbers a label an accepted record brings (as spelled in its field) and returns its id as COPY text.
    private mutating func add(_ spelled: ArraySlice<UInt8>, column: Int) -> String {
        let label = spelled.trimmingSpaces()
        let id = nextCategoryID[column]
        nextCategoryID[column] += 1
        know(label, id: String(id), column: column)
        addedCategories[column].append(
            AddedCategory(id: id, label: String(decoding: label, as: UTF8.self), spelling: String(decoding: spelled, as: UTF8.self)))
        return String(id)
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
        // Labels this record would add (the fields as spelled): numbered only once it is accepted whole.
        var newLabels: [(column: Int, spelled: ArraySlice<UInt8>)] = []
        // By index, reading each column's properties in place: iterating the columns copied each one (its
        // name, type and spelling retained and released) for every field of every record.
        for index in columns.indices {
            let position = positions[index]
            let field = record.field(position)
            if record.isNull(position) {
                guard columns[index].nullable else { return .rejected(field: columns[index].name, reason: "required value is NULL") }
                values.append(.null)
                continue
            }
            let trimmed = field.trimmingSpaces()
            if let missing = missingSpellings[index], ByteKey(trimmed) == missing {
                values.append(.null)
                continue
            }
            if let limit = columns[index].maxBytes, field.count > limit {
                return .rejected(field: columns[index].name, reason: "value is \(field.count) bytes long, more than \(limit)")
            }
            let value = columns[index].type.validate(field, context: context)
            if case .invalid(let reason) = value { return .rejected(field: columns[index].name, reason: reason) }
            if isCategory[index] {
                if let id = categoryIDs[index][ByteKey(trimmed)] {
                    values.append(.text(id))
                    continue
                }
                if let reason = caseVariant(trimmed, column: index) { return .rejected(field: columns[index].name, reason: reason) }
                newLabels.append((index, field))
            }
            values.append(value)
        }
        if !keyPositions.isEmpty {
            var key: [UInt8] = []
            for (index, position) in zip(keyIndexes, keyPositions) {
                // The value as stored (` 01` and `1` are one integer key), else the field's bytes.
                if case .text(let text) = values[index] { key.append(contentsOf: text.utf8) } else { key.append(contentsOf: record.field(position)) }
                key.append(0)  // NUL cannot occur in a valid field, so it separates unambiguously
            }
            if let first = firstLineOfKey[ByteKey(key[...])] {
                return .rejected(field: nil, reason: "duplicate of line \(first) (\(uniqueKey.joined(separator: ", ")))")
            }
            firstLineOfKey[ByteKey(key[...])] = record.line
        }
        for (column, spelled) in newLabels { values[column] = .text(add(spelled, column: column)) }
        return .accepted(values)
    }
}

/// A category label a load adds to its lookup table: its id, the label (trimmed) and its spelling in the file.
public struct AddedCategory: Sendable {
    public let id: Int
    public let label: String
    public let spelling: String
}
