import Postgres
import Schema

/// The load ledger: one `ingest.runs` row per run and dataset, one `ingest.run_sources` row per input file.
/// A run is recorded as 'running' when it starts; its outcome commits with its rows (or, when the load rolls
/// back, after it), and a run whose process died is closed as failed by the next load.
public struct Ledger {
    let connection: Connection
    let sql: SQLFolder

    public init(connection: Connection, sql: SQLFolder) {
        self.connection = connection
        self.sql = sql
    }

    func start(dataset: String, batch: String?, maxRejects: Int) throws -> Int64 {
        try connection.query(try sql.query("ingest/close_abandoned_runs.sql"))
        return try connection.query(try sql.query("ingest/start_run.sql", [dataset, batch, maxRejects]))
            .rows[0].decode(Int64.self, 0)
    }

    /// One input's counts; `csv` is what its CSV dialect did besides (records padded, empty records skipped).
    func recordSource(run: Int64, input: String, file: String, sha256: String, bytes: Int, counts: LoadCounts, csv: (padded: Int, skipped: Int)?) throws {
        try connection.query(try sql.query(
            "ingest/record_source.sql",
            [run, input, file, sha256, bytes, counts.read, counts.loaded, counts.rejected, counts.lines, csv?.padded, csv?.skipped]))
    }

    func finish(run: Int64, status: LoadStatus, counts: LoadCounts, message: String?) throws {
        try connection.query(try sql.query(
            "ingest/finish_run.sql", [run, status.rawValue, counts.read, counts.loaded, counts.rejected, message, counts.notStored]))
    }

    func recordMerge(run: Int64, _ counts: MergeCounts) throws {
        try connection.query(try sql.query(
            "ingest/record_merge.sql", [run, counts.inserted, counts.updated, counts.unchanged, counts.deleted]))
    }

    /// Records, once run `run` has made its last commit, the WAL position a standby must have replayed to show
    /// all the run wrote, and returns it (`0/3A2B1C8`).
    public func recordCommitLSN(run: Int64) throws -> String {
        try connection.query(try sql.query("ingest/record_commit_lsn.sql", [run])).rows[0].decode(String.self, 0)
    }
}
/// How a run ended, as the ledger records it.
public enum LoadStatus: String, Sendable {
    /// Every row loaded.
    case loaded
    /// Some rows rejected, no more than --max-rejects: the valid rows committed.
    case loadedWithRejects = "loaded_with_rejects"
    /// More rejects than --max-rejects: nothing committed.
    case rolledBack = "rolled_back"
    /// Far fewer rows than the previous load (see `LoadPolicy`): nothing committed.
    case refused
    /// An error stopped the load: nothing committed.
    case failed

    /// Whether the load's rows are in the database.
    public var committed: Bool { self == .loaded || self == .loadedWithRejects }
}

/// Rows read, loaded and rejected. `read == loaded + rejected + rolledBack` always holds.
public struct LoadCounts: Sendable, Equatable {
    public var read = 0
    public var loaded = 0
    public var rejected = 0
    /// Valid rows not committed because the load rolled back.
    public var rolledBack = 0
    /// Physical lines of the text inputs (nil when no input has lines: a database table).
    public var lines: Int?
    /// Rejects counted but not stored (past --max-rejects by more than the sample kept).
    public var notStored = 0

    /// The same reading, none of it committed.
    var asRolledBack: LoadCounts {
        LoadCounts(read: read, loaded: 0, rejected: rejected, rolledBack: rolledBack + loaded, lines: lines, notStored: notStored)
    }
    public static func + (a: LoadCounts, b: LoadCounts) -> LoadCounts {
        LoadCounts(read: a.read + b.read, loaded: a.loaded + b.loaded, rejected: a.rejected + b.rejected,
                   rolledBack: a.rolledBack + b.rolledBack,
                   lines: a.lines.map { $0 + (b.lines ?? 0) } ?? b.lines, notStored: a.notStored + b.notStored)
    }

    /// The run's last line: `read N, loaded N, rejected N`.
    public var summaryLine: String {
        "read \(read), loaded \(loaded), rejected \(rejected)" + (rolledBack > 0 ? ", rolled back \(rolledBack)" : "")
            + (notStored > 0 ? " (\(notStored) rejects counted, not stored)" : "")
    }
}
