import Formats
import Postgres
import Schema
import Validation

/// The labels a load's records added to category lookup tables, numbered while the file streamed, made
/// permanent before commit.
struct CategorySettlement {
    let connection: Connection
    let sql: SQLFolder

    /// The labels an input's records added to category lookups, as numbered while it streamed (by column
    /// index), each lookup table (by column index), and the table its rows were copied into.
    struct NewLabels {
        let added: [[AddedCategory]]
        let tables: [(column: Int, table: String)]
        let copyTable: (schema: String, name: String)
        let idColumns: [String]
    }

    /// Numbers the labels a load adds for good, with the read gate closed (so no other load adds labels
    /// meanwhile): a label another load added since this one began keeps that load's id, the others are
    /// numbered on from each table's largest id now, and rows copied with another id are moved to it. A
    /// load alone (or one that adds no label) moves nothing.
    func settle(_ labels: NewLabels) throws {
        for (column, table) in labels.tables where !labels.added[column].isEmpty {
            var existing: [String: Int] = [:]
            for row in try connection.query(
                "SELECT t.label, t.id FROM jsonb_array_elements_text(\(JSONText.text(.array(labels.added[column].map { .string($0.label) })))::jsonb) AS l(label) JOIN \(unescaped: table) t USING (label)"
            ).rows { existing[try row.decode(String.self, 0)] = try row.decode(Int.self, 1) }
            var next = try connection.query("SELECT coalesce(max(id), 0) + 1 FROM \(unescaped: table)").rows[0].decode(Int.self, 0)
            var added: [JSONText.Value] = [], moves: [JSONText.Value] = []
            for label in labels.added[column] {
                let id = existing[label.label] ?? next
                if existing[label.label] == nil {
                    added.append(.object([("id", .number(String(id))), ("label", .string(label.label)), ("spelling", .string(label.spelling))]))
                    next += 1
                }
                if id != label.id { moves.append(.object([("from_id", .number(String(label.id))), ("to_id", .number(String(id)))])) }
            }
            if !moves.isEmpty {
                let idColumn = labels.idColumns[column]
                try connection.query(try sql.query(
                    "ingest/move_category_ids.sql",
                    variables: ["schema": labels.copyTable.schema, "table": labels.copyTable.name, "column": idColumn],
                    [JSONText.text(.array(moves))]))
            }
            if !added.isEmpty {
                try connection.query("SELECT ingest.add_categories(\(table)::regclass, \(JSONText.text(.array(added)))::jsonb)")
            }
        }
    }
}
