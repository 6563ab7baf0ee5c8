import Formats
import Records
import Validation

/// The lookup id of each category label, by column: the labels the lookup tables held when the load began,
/// and those its records add, numbered on from the table's largest id in order of first appearance (the
/// spelling first seen is kept beside the trimmed label). Accepted records are sent with the ids, so COPY
/// fills the final table; the added labels join their tables before commit (`ingest.add_categories`). The
/// load holds its dataset's lock, so no other load numbers labels of the same tables meanwhile.
struct CategoryIDs {
    struct Lookup {
        let column: Int
        let table: String
        var ids: [ByteKey: String]
        var next: Int
        var added: [(id: Int, label: String, spelling: String)] = []
    }

    private(set) var lookups: [Lookup]

    /// `known[column]`: the (id, label) rows of the lookup table of each category column, by its index.
    init(known: [(column: Int, table: String, rows: [(id: Int, label: String)])]) {
        lookups = known.map { column, table, rows in
            Lookup(column: column, table: table,
                   ids: Dictionary(rows.map { (ByteKey(ArraySlice($0.label.utf8)), String($0.id)) }, uniquingKeysWith: { first, _ in first }),
                   next: (rows.map(\.id).max() ?? 0) + 1)
        }
    }

    /// Replaces each category value of an accepted record (the field as spelled) by its label's id.
    mutating func resolve(_ values: inout [FieldValue], of record: SourceRecord, positions: [Int]) {
        for index in lookups.indices {
            let column = lookups[index].column
            guard case .verbatim = values[column] else { continue }
            let spelled = record.field(positions[column])
            let label = spelled.trimmingSpaces()
            if let id = lookups[index].ids[ByteKey(label)] {
                values[column] = .text(id)
                continue
            }
            let id = lookups[index].next
            lookups[index].next += 1
            lookups[index].ids[ByteKey(copying: label)] = String(id)
            lookups[index].added.append((id, String(decoding: label, as: UTF8.self), String(decoding: spelled, as: UTF8.self)))
            values[column] = .text(String(id))
        }
    }

    /// The labels added to one lookup, as `ingest.add_categories` takes them.
    static func json(_ added: [(id: Int, label: String, spelling: String)]) -> String {
        JSONText.text(.array(added.map { .object([("id", .number(String($0.id))), ("label", .string($0.label)), ("spelling", .string($0.spelling))]) }))
    }
}
