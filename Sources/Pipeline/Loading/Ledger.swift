import Postgres

/// The load ledger: one `ingest.runs` row per run and dataset, one `ingest.run_sources` row per input file,
/// written outside the load's transaction so that a failed or rolled-back load is recorded too.
struct Ledger {
    let connection: Connection

    func start(dataset: String, batch: String?, maxRejects: Int) throws -> Int64 {
        try closeAbandonedRuns()
        return try connection.query(
            """
            INSERT INTO ingest.runs (dataset, batch, status, max_rejects, backend_pid, backend_start)
            SELECT $1, $2, 'running', $3, pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()
            RETURNING run_id
            """, [dataset, batch, maxRejects]
        ).rows[0].decode(Int64.self, 0)
    }

    /// Marks as failed the runs still 'running' whose session has ended: their process was killed or lost its
    /// connection, so Postgres rolled their load back. (Another role's session shows no backend_start to us;
    /// its pid alone then counts.)
    func closeAbandonedRuns() throws {
        try connection.query(
            """
            UPDATE ingest.runs r SET status = 'failed', finished_at = greatest(clock_timestamp(), r.started_at),
                message = 'the run''s session ended before it finished (process killed or connection lost); nothing of it was committed'
            WHERE r.status = 'running' AND r.backend_pid IS NOT NULL AND NOT EXISTS (
                SELECT FROM pg_stat_activity a
                WHERE a.pid = r.backend_pid AND (a.backend_start IS NULL OR a.backend_start = r.backend_start))
            """)
    }

    func recordSource(run: Int64, input: String, file: String, sha256: String, bytes: Int, counts: LoadCounts) throws {
        try connection.query(
            """
            INSERT INTO ingest.run_sources (run_id, input, source_file, sha256, bytes, rows_read, rows_loaded, rows_rejected)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [run, input, file, sha256, bytes, counts.read, counts.loaded, counts.rejected])
    }

    func finish(run: Int64, status: LoadStatus, counts: LoadCounts, message: String?) throws {
        try connection.query(
            """
            UPDATE ingest.runs SET status = $2, rows_read = $3, rows_loaded = $4, rows_rejected = $5,
                message = $6, finished_at = clock_timestamp()
            WHERE run_id = $1
            """, [run, status.rawValue, counts.read, counts.loaded, counts.rejected, message])
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
    /// An error stopped the load: nothing committed.
    case failed
}

/// Rows read, loaded and rejected. `read == loaded + rejected + rolledBack` always holds.
public struct LoadCounts: Sendable, Equatable {
    public var read = 0
    public var loaded = 0
    public var rejected = 0
    /// Valid rows not committed because the load rolled back.
    public var rolledBack = 0

    public static func + (a: LoadCounts, b: LoadCounts) -> LoadCounts {
        LoadCounts(read: a.read + b.read, loaded: a.loaded + b.loaded, rejected: a.rejected + b.rejected,
                   rolledBack: a.rolledBack + b.rolledBack)
    }

    /// The run's last line: `read N, loaded N, rejected N`.
    public var summaryLine: String {
        "read \(read), loaded \(loaded), rejected \(rejected)" + (rolledBack > 0 ? ", rolled back \(rolledBack)" : "")
    }
}
