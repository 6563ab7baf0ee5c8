import Postgres

/// A batch of a table partitioned by batch date, rebuilt apart and swapped in: rows go into
/// `<table>_incoming`, which has the table's columns and checks but no keys, and `swapIn` replaces the
/// batch's partition with it before commit, checking each foreign key once for the whole batch. Both steps
/// are the owner's SECURITY DEFINER functions (migration 0012), so the writer role needs no DDL rights.
struct BatchPartition {
    let table: String
    let connection: Connection

    /// Where the batch's rows are written until `swapIn`.
    var incoming: String { table + "_incoming" }

    func begin() throws {
        try connection.query("SELECT ingest.begin_batch_partition($1::regclass)", [table])
    }

    func swapIn(batch: String) throws {
        try connection.query("SELECT ingest.end_batch_partition($1::regclass, $2::date)", [table, batch])
    }
}
