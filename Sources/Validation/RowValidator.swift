import Formats
import Records

/// Checks one input's records: the header against the declared columns (once), then each record's shape,
/// fields and uniqueness. A record passes whole or is rejected with the first problem found; one that passes
/// is written through its `CopyRowFormat` as its fields are checked, so no value is held between the check
/// and the row.
public struct RowValidator {
    public enum Verdict {
        case accepted
        case rejected(field: String?, reason: String)
    }

    /// The input's name, for header errors.
    let name: String
    public let columns: [Column]
    /// Each key whose values no two records may share (a primary key, a unique column).
    let uniqueKeys: [[String]]
    /// For each declared column, its position in the source's columns.
    public let positions: [Int]
    private let sourceWidth: Int
    /// Per declared column: the unique keys (indexes of `uniqueKeys`) it is part of.
    private let keysOf: [[Int]]
    /// By category column, each label known (trimmed, exact bytes) with its lookup id: the lookup table's
    /// rows (`knowCategoryLabels`), then the labels accepted records add, numbered on from the table's
    /// largest id in order of first appearance. One lookup per field says both whether a label is new and
    /// what to send for it.
    private var labels: [LabelTable]
    private var nextCategoryID: [Int]
    /// The labels accepted records added, by column, as the lookup tables are to get them.
    public private(set) var addedCategories: [[AddedCategory]]
    /// Known labels folded to lower case, with the spelling first seen; by column.
    private var categoryFolded: [Int: [String: String]] = [:]
    /// By unique key: the line each value (as sent) was first seen on.
    private var firstLineOfKey: [[ByteKey: Int]]
    /// Per column: its `missing` spellings' bytes, and whether it is a category.
    private let missingSpellings: [[[UInt8]]]
    private let isCategory: [Bool]
    /// How accepted records' values are written (`write(as:firstColumn:)`), and the COPY column the first
    /// declared column is.
    private var format = CopyRowFormat.text
    private var firstColumn = 0

    /// Matches the source's columns to the declared ones by name; a missing, unknown or repeated column
    /// stops the load before any row is read. Records whose values of one of `uniqueKeys` repeat an earlier
    /// record's are rejected as duplicates.
    public init(name: String, columns: [Column], uniqueKeys: [[String]] = [], source: RecordSource) throws {
        func fail(_ reason: String) -> HeaderError { HeaderError(path: source.sourceName, reason: reason) }
        var seen = Set<String>()
        for name in source.columns where !seen.insert(name).inserted {
            throw fail("column \"\(name)\" appears twice in the header")
        }
        let declared = columns.map(\.name)
        // A header read as one column where several are declared: most likely the wrong delimiter.
        let hint = source.columns.count == 1 && declared.count > 1 ? " (the header is read as one column: is the delimiter right?)" : ""
        if let unknown = source.columns.first(where: { !declared.contains($0) }) {
            throw fail("unknown column \"\(unknown)\" in the header; \(name) expects \(declared.joined(separator: ","))\(hint)")
        }
        let positions = try declared.map { column in
            guard let position = source.columns.firstIndex(of: column) else {
                throw fail("missing column \"\(column)\" in the header; \(name) expects \(declared.joined(separator: ","))")
            }
            return position
        }
        if let key = uniqueKeys.joined().first(where: { !declared.contains($0) }) {
            throw fail("the unique key names \"\(key)\", which is not a column")
        }
        self.positions = positions
        self.name = name
        self.columns = columns
        let keys = uniqueKeys.filter { !$0.isEmpty }
        self.uniqueKeys = keys
        sourceWidth = source.columns.count
        keysOf = declared.map { column in keys.indices.filter { keys[$0].contains(column) } }
        firstLineOfKey = Array(repeating: [:], count: keys.count)
        labels = Array(repeating: LabelTable(), count: columns.count)
        nextCategoryID = Array(repeating: 1, count: columns.count)
        addedCategories = Array(repeating: [], count: columns.count)
        missingSpellings = columns.map { $0.missing.map { Array($0.utf8) } }
        isCategory = columns.map(\.type.isCategory)
    }

    /// The rows of a category column's lookup table (id and label), read before the file is: each label is
    /// sent as its id, a new label is numbered on from the largest id and compared with the known ones in its
    /// case-folded form, the oldest (smallest id) first.
    public mutating func knowCategoryLabels(_ rows: [(id: Int, label: String)], column: String) {
        guard let index = columns.firstIndex(where: { $0.name == column }) else { return }
        for row in rows.sorted(by: { $0.id < $1.id }) {
            Array(row.label.utf8).withUnsafeBufferPointer { know($0, id: row.id, column: index) }
            nextCategoryID[index] = max(nextCategoryID[index], row.id + 1)
        }
    }

    /// A label not yet known that differs from a known one only in upper and lower case (`female` beside
    /// `Female`) would become a category of its own and split every share it is counted in: it is refused.
    private func caseVariant(_ label: UnsafeBufferPointer<UInt8>, column: Int) -> String? {
        let text = String(decoding: label, as: UTF8.self)
        guard let known = categoryFolded[column]?[text.lowercased()], known != text else { return nil }
        return "category \"\(text)\" differs from the known \"\(known)\" only in upper and lower case"
    }

    private mutating func know(_ label: UnsafeBufferPointer<UInt8>, id: Int, column: Int) {
        guard labels[column].id(of: label) == nil else { return }
        labels[column].insert(label, id: id)
        let text = String(decoding: label, as: UTF8.self), folded = text.lowercased()
        if categoryFolded[column]?[folded] == nil { categoryFolded[column, default: [:]][folded] = text }
    }

    /// Numbers the label an accepted record brings (as spelled in its field) with the id it was sent as.
    private mutating func add(_ spelled: [UInt8], column: Int) {
        let id = nextCategoryID[column]
        nextCategoryID[column] += 1
        spelled.withUnsafeBufferPointer { spelled in
            let label = spelled.trimmingSpaces()
            know(label, id: id, column: column)
            addedCategories[column].append(
                AddedCategory(id: id, label: String(decoding: label, as: UTF8.self), spelling: String(decoding: spelled, as: UTF8.self)))
        }
    }

    /// Makes accepted records' values be written in `format`, the declared columns as its columns from
    /// `firstColumn` on, when every column's values have the binary form of its column there (a binary
    /// format); returns whether they do (if not, the format stays as it was: COPY text unless set before).
    public mutating func write(as format: CopyRowFormat, firstColumn: Int) -> Bool {
        if let types = format.binaryTypes {
            guard firstColumn >= 0, firstColumn + columns.count <= types.count else { return false }
            for index in columns.indices {
                let type = types[firstColumn + index]
                let writes = isCategory[index] ? type.integerRange != nil || type == .text : columns[index].type.writes(binary: type)
                guard writes else { return false }
            }
        }
        self.format = format
        self.firstColumn = firstColumn
        return true
    }

    /// Checks `record` and, when it passes, appends its values to `row` as fields of its format
    /// (`write(as:firstColumn:)`); the caller begins and ends the row and writes the other columns. A
    /// rejected record leaves `row` as it was.
    public mutating func check(_ record: SourceRecord, context: ValidationContext, appendingTo row: inout [UInt8]) -> Verdict {
        if let malformation = record.malformation {
            return .rejected(field: nil, reason: malformation)
        }
        guard record.fieldCount == sourceWidth else {
            return .rejected(field: nil, reason: "expected \(sourceWidth) fields, found \(record.fieldCount)")
        }
        let start = row.count
        var accepted = Accepted(keys: Array(repeating: [], count: uniqueKeys.count))
        var verdict = encode(record, context: context, appendingTo: &row, accepted: &accepted)
        if case .accepted = verdict {
            // Every key is checked before any is remembered: a rejected record claims no value.
            let keys = accepted.keys.map { ByteKey($0[...]) }
            if let index = keys.indices.first(where: { firstLineOfKey[$0][keys[$0]] != nil }), let first = firstLineOfKey[index][keys[index]] {
                verdict = .rejected(field: nil, reason: "duplicate of line \(first) (\(uniqueKeys[index].joined(separator: ", ")))")
            } else {
                for (index, key) in keys.enumerated() { firstLineOfKey[index][key] = record.line }
            }
        }
        guard case .accepted = verdict else {
            row.removeSubrange(start...)
            return verdict
        }
        for (column, spelled) in accepted.newLabels { add(spelled, column: column) }
        return .accepted
    }

    /// What a record that passes brings besides its row: the labels it would add (the fields as spelled),
    /// sent with the next ids and numbered for good only once the record is accepted whole, and each unique
    /// key's values as sent (` 01` and `1` are one integer key), each ended by a NUL (a value in COPY text
    /// holds none, and in binary each begins with its length, so they separate unambiguously).
    private struct Accepted {
        var newLabels: [(column: Int, spelled: [UInt8])] = []
        var keys: [[UInt8]]
    }

    /// The field checks and the row; `check` makes the validator's updates (the key's first line, the new
    /// labels' numbers) once every field passed. Not mutating, so the closure that reads the fields borrows
    /// the validator (from `check`, a mutating method, the closure copied it whole for every record).
    private func encode(_ record: SourceRecord, context: ValidationContext, appendingTo row: inout [UInt8], accepted: inout Accepted) -> Verdict {
        record.withFields { fields in encode(fields, of: record, context: context, appendingTo: &row, accepted: &accepted) }
    }

    private func encode(
        _ fields: SourceRecord.Fields, of record: SourceRecord, context: ValidationContext, appendingTo row: inout [UInt8],
        accepted: inout Accepted
    ) -> Verdict {
        // By index, reading each column's properties in place: iterating the columns copied each one (its
        // name, type and spelling retained and released) for every field of every record.
        for index in columns.indices {
            let column = firstColumn + index
            let start = format.beginField(column, in: &row)
            let encoded = encodeField(index, fields, of: record, context: context, appendingTo: &row, column: column, accepted: &accepted)
            switch encoded {
            case .invalid(let reason): return .rejected(field: columns[index].name, reason: reason)
            case .null: format.nullField(begunAt: start, in: &row)
            case .value: format.endField(begunAt: start, in: &row)
            }
            for key in keysOf[index] {
                // The value as sent, with its length in binary (` 01` and `1` are one integer key).
                accepted.keys[key].append(contentsOf: row[start...])
                accepted.keys[key].append(0)
            }
        }
        return .accepted
    }

    /// Checks one field and writes its value (without its framing), NULL for a missing one.
    @inline(__always)
    private func encodeField(
        _ index: Int, _ fields: SourceRecord.Fields, of record: SourceRecord, context: ValidationContext, appendingTo row: inout [UInt8],
        column: Int, accepted: inout Accepted
    ) -> Encoded {
        let position = positions[index]
        if record.isNull(position) {
            return columns[index].nullable ? .null : .invalid("required value is NULL")
        }
        let field = fields[position]
        let trimmed = field.trimmingSpaces()
        for missing in missingSpellings[index] where missing.withUnsafeBufferPointer(trimmed.equals) {
            return columns[index].nullable ? .null : .invalid("required value is missing")
        }
        if let limit = columns[index].maxBytes, field.count > limit {
            return .invalid("value is \(field.count) bytes long, more than \(limit)")
        }
        guard isCategory[index] else {
            let encoded = columns[index].type.encode(field, trimmed: trimmed, context: context, into: &row, as: format, column: column)
            if case .value = encoded, let constraints = columns[index].constraints,
                let problem = constraints.problem(trimmed, as: columns[index].type) {
                return .invalid(problem)
            }
            return encoded
        }
        if let problem = UTF8Check.problem(in: field) ?? FieldType.categoryProblem(trimmed) {
            return .invalid(problem)
        }
        let id: Int
        if let known = labels[index].id(of: trimmed) {
            id = known
        } else {
            if let reason = caseVariant(trimmed, column: index) { return .invalid(reason) }
            // A label new to this column: it gets the next id if the record is accepted.
            id = nextCategoryID[index]
            accepted.newLabels.append((index, Array(field)))
        }
        guard format.integer(id, column: column, in: &row) else { return .invalid("category id \(id) does not fit the column") }
        return .value
    }
}

/// A category label a load adds to its lookup table: its id, the label (trimmed) and its spelling in the file.
public struct AddedCategory: Sendable {
    public let id: Int
    public let label: String
    public let spelling: String
}
