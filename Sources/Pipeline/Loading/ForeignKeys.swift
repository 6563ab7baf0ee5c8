import Postgres

/// The foreign keys among a dataset's tables, dropped for the bulk load and added back before commit. Adding
/// a foreign key checks every row in one join, where keeping it would fire one trigger per copied row; both
/// happen inside the load's transaction, so no reader ever sees the tables without their keys.
struct SuspendedForeignKeys {
    private let constraints: [(table: String, name: String, definition: String)]
    private let connection: Connection

    static func suspend(on tables: [String], connection: Connection) throws -> SuspendedForeignKeys {
        let rows = try connection.query(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE contype = 'f' AND conrelid = ANY($1::regclass[])
            ORDER BY conrelid::regclass::text, conname
            """, ["{" + tables.joined(separator: ",") + "}"]
        ).rows
        let constraints = try rows.map {
            (table: try $0.decode(String.self, 0), name: try $0.decode(String.self, 1), definition: try $0.decode(String.self, 2))
        }
        for constraint in constraints {
            // The table name comes from regclass::text, which quotes it as SQL needs.
            try connection.query("ALTER TABLE \(constraint.table) DROP CONSTRAINT \(Identifier.quoted(constraint.name))")
        }
        return SuspendedForeignKeys(constraints: constraints, connection: connection)
    }

    func restore() throws {
        for constraint in constraints {
            try connection.query(
                "ALTER TABLE \(constraint.table) ADD CONSTRAINT \(Identifier.quoted(constraint.name)) \(constraint.definition)")
        }
    }
}
