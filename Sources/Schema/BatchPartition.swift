import Postgres

/// A batch of a table partitioned by batch date, rebuilt apart and swapped in: rows go into
/// `<table>_incoming`, which has the table's columns and checks but no keys, and `swapIn` replaces the
/// batch's partition with it before commit, checking each foreign key once for the whole batch. Both steps
/// are the owner's SECURITY DEFINER functions (migration 0012), so the writer role needs no DDL rights.
public struct BatchPartition {
    /// The partitioned table, schema-qualified (`census.persons`).
    public let schema: String
    public let table: String
    let connection: Connection

    public init(schema: String, table: String, connection: Connection) {
        self.schema = schema
        self.table = table
        self.connection = connection
    }

    /// The table (in `schema`) the batch's rows are written to until `swapIn`.
    public var incoming: String { table + "_incoming" }

    public func begin() throws {
        try connection.query("SELECT ingest.begin_batch_partition(\(qualifiedName)::regclass)")
    }

    public func swapIn(batch: String) throws {
        try connection.query("SELECT ingest.end_batch_partition(\(qualifiedName)::regclass, \(batch)::date)")
    }

    private var qualifiedName: String { Identifier.quoted(schema, table) }
}
