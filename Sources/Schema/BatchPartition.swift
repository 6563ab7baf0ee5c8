import Postgres

/// A batch of a table partitioned by batch date, rebuilt apart and swapped in: rows go into
/// `<table>_incoming_YYYYMMDD`, which has the table's columns and checks but no keys, and `swapIn` replaces
/// the batch's partition with it before commit, checking each foreign key once for the whole batch. Both
/// steps are the owner's SECURITY DEFINER functions (migrations 0012, 0019), so the writer role needs no DDL
/// rights. Batches of different dates are built at the same time (`lock`).
public struct BatchPartition {
    /// The partitioned table, schema-qualified (`census.persons`).
    public let schema: String
    public let table: String
    let connection: Connection
    let sql: SQLFolder

    public init(schema: String, table: String, connection: Connection, sql: SQLFolder) {
        self.schema = schema
        self.table = table
        self.connection = connection
        self.sql = sql
    }

    /// The table (in `schema`) the batch's rows are written to until `swapIn`.
    public func incoming(batch: String) -> String { table + "_incoming_" + Self.suffix(batch) }
    /// The name of the batch's partition (in `schema`).
    public func partition(batch: String) -> String { table + "_" + Self.suffix(batch) }

    /// Locks, until the transaction ends, the batch (so one load or scoring run of it at a time, whichever
    /// table it writes) and then the table: shared while the batch is new, so batches of other dates are
    /// built alongside, and exclusive when the batch's partition is there to be replaced. DETACH takes the
    /// table in ACCESS EXCLUSIVE mode, which would wait for every other transaction that read the table
    /// while that one waits for the read gate the replacing load holds: a deadlock that the exclusive lock
    /// rules out. A replacement also drops the batch's partitions of the tables that reference this one
    /// (`ingest.batch_references`), so it takes those tables to itself too. Always the batch first, then
    /// the table, then the tables referencing it: two runs never take them in opposite orders.
    public func lock(batch: String) throws {
        try connection.lockForTransaction("pgpipe:batch:\(schema):\(batch)")
        let replacing = try connection.query("SELECT to_regclass(\(Identifier.quoted(schema, partition(batch: batch)))) IS NOT NULL")
            .rows[0].decode(Bool.self, 0)
        try connection.lockForTransaction("pgpipe:table:\(qualifiedName)", shared: !replacing)
        guard replacing else { return }
        for row in try connection.query(try sql.query("ingest/batch_referencing_tables.sql", [qualifiedName])).rows { try connection.lockForTransaction("pgpipe:table:\(Identifier.quoted(try row.decode(String.self, 0), try row.decode(String.self, 1)))") }
    }

    public func begin(batch: String) throws {
        try connection.query("SELECT ingest.begin_batch_partition(\(qualifiedName)::regclass, \(batch)::date)")
    }

    /// Holds report runs off the schema's data until the transaction ends (`ingest.close_read_gate`); the
    /// swap takes it too, and a load takes it first when it has more to do on shared tables before the swap.
    public func closeReadGate() throws {
        try connection.query("SELECT ingest.close_read_gate(\(schema))")
    }

    public func swapIn(batch: String) throws {
        try connection.query("SELECT ingest.end_batch_partition(\(qualifiedName)::regclass, \(batch)::date)")
    }

    private var qualifiedName: String { Identifier.quoted(schema, table) }

    /// `2026-11-16` as partition names carry it: `20261116`.
    static func suffix(_ batch: String) -> String { batch.filter { $0 != "-" } }
}
