import Failures
import Foundation
import Postgres

/// Read-your-writes on a hot standby. `ingest` records in `ingest.runs.commit_lsn` (and logs) the WAL position
/// after a run's last commit; a reader connected to a standby waits until the standby has replayed that far,
/// so a pipeline never reports on a replica that lags behind the load it just ran. On the primary there is
/// nothing to replay: a run is waited for only while it is still running.
public struct ReplayWait {
    /// What the reader must see.
    public enum Target: Sendable, CustomStringConvertible {
        /// A WAL position, as PostgreSQL writes it (`0/3A2B1C8`).
        case lsn(String)
        /// Everything an ingest run wrote: its recorded commit position.
        case run(Int64)

        public var description: String {
            switch self {
            case .lsn(let lsn): "WAL \(lsn)"
            case .run(let run): "run \(run)"
            }
        }

        /// Whether `text` is a WAL position: two hexadecimal numbers of up to 8 digits, split by a slash.
        public static func isLSN(_ text: String) -> Bool {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 2 && parts.allSatisfy { (1...8).contains($0.count) && $0.allSatisfy(\.isHexDigit) }
        }
    }

    /// The server had not caught up when the wait ran out: try again later.
    public struct Lagging: FailureDescribing {
        public let reason: String
        public var failure: Failure { .temporary }
        public var description: String { reason }
    }

    /// The target can never be reached: a run that committed nothing, a position the primary has not written.
    public struct Unreachable: FailureDescribing {
        public let reason: String
        public var failure: Failure { .usage }
        public var description: String { reason }
    }

    let connection: Connection
    /// How long to wait in all, and between looks.
    let timeout: Double
    let interval: Double

    public init(connection: Connection, timeout: Double, interval: Double = 0.1) {
        self.connection = connection
        self.timeout = timeout
        self.interval = interval
    }

    /// Everything the primary at `primary` has written so far (its WAL insert position), as a target: a reader
    /// on a standby that waits for it sees every transaction the primary had committed when it asked,
    /// without knowing which run to wait for.
    public static func everythingOn(primary: Connection) throws -> Target {
        let row = try primary.query("SELECT pg_is_in_recovery(), CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_insert_lsn()::text END").rows[0]
        guard let lsn = try row.decode(String?.self, 1), !(try row.decode(Bool.self, 0)) else {
            throw ConfigurationError("--primary-url names a hot standby, not the primary it follows")
        }
        return .lsn(lsn)
    }

    /// Returns once the server shows every target; throws `Lagging` when `timeout` seconds pass first.
    public func wait(for targets: [Target]) throws {
        guard !targets.isEmpty else { return }
        let standby = try connection.isStandby()
        let deadline = Date().addingTimeInterval(timeout)
        var pending = targets
        while true {
            var why: [String] = []
            pending = try pending.filter { target in
                if let reason = try notYet(target, standby: standby) {
                    why.append(reason)
                    return true
                }
                return false
            }
            if pending.isEmpty { return }
            if Date() >= deadline {
                if standby, let unknown = try unknownRun(among: pending) { throw unknown }
                throw Lagging(reason: "after \(Self.seconds(timeout)) s, \(why.joined(separator: "; "))\(try standby ? replayState() : ""); try again, or wait longer with --replay-timeout")
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// Why the server does not show `target` yet, or nil when it does.
    private func notYet(_ target: Target, standby: Bool) throws -> String? {
        let lsn: String
        switch target {
        case .lsn(let position):
            lsn = position
            if !standby {
                let ahead = try connection.query("SELECT \(position)::pg_lsn > pg_current_wal_insert_lsn(), pg_current_wal_insert_lsn()::text").rows[0]
                if try ahead.decode(Bool.self, 0) {
                    throw Unreachable(reason: "WAL \(position) is ahead of this server's WAL (\(try ahead.decode(String.self, 1))): it is not a position of this database")
                }
                return nil
            }
        case .run(let run):
            let rows = try connection.query("SELECT status, commit_lsn::text FROM ingest.runs WHERE run_id = \(run)").rows
            guard let row = rows.first else {
                if standby { return "run \(run) is not on this standby yet" }
                throw Unreachable(reason: "run \(run) is not in ingest.runs")
            }
            let status = try row.decode(String.self, 0)
            switch status {
            case "running": return "run \(run) is still running"
            case "loaded", "loaded_with_rejects": break
            default: throw Unreachable(reason: "run \(run) ended \(status): it committed nothing to wait for")
            }
            guard let position = try row.decode(String?.self, 1) else {
                return standby
                    ? "run \(run) committed but its commit position is not on this standby yet"
                    : "run \(run) committed but has no commit position recorded (did its ingest finish?)"
            }
            guard standby else { return nil }
            lsn = position
        }
        let replayed = try connection.query(
            "SELECT coalesce(pg_last_wal_replay_lsn(), '0/0') >= \(lsn)::pg_lsn, coalesce(pg_last_wal_replay_lsn()::text, 'nothing')").rows[0]
        if try replayed.decode(Bool.self, 0) { return nil }
        return "this standby has replayed WAL to \(try replayed.decode(String.self, 1)), short of \(lsn) (\(target))"
    }

    /// On a standby whose wait ran out: a run it still does not have once it has replayed everything it had
    /// received from its primary is a run of no database it follows, not lag. A primary busy with other
    /// writes keeps the standby a moment behind what it received: it is given up to 5 s to replay that far.
    private func unknownRun(among targets: [Target]) throws -> Unreachable? {
        let state = try connection.query(
            "SELECT EXISTS (SELECT FROM pg_stat_wal_receiver) AND NOT pg_is_wal_replay_paused(), pg_last_wal_receive_lsn()::text").rows[0]
        guard try state.decode(Bool.self, 0), let received = try state.decode(String?.self, 1) else { return nil }
        var looks = 0
        while try !connection.query("SELECT pg_last_wal_replay_lsn() >= \(received)::pg_lsn").rows[0].decode(Bool.self, 0) {
            looks += 1
            if looks == 50 { return nil }
            Thread.sleep(forTimeInterval: 0.1)
        }
        for case .run(let run) in targets where try connection.query("SELECT FROM ingest.runs WHERE run_id = \(run)").rows.isEmpty {
            return Unreachable(reason: "run \(run) is unknown: this standby has replayed everything its primary sent (WAL to \(received)) and has no run \(run) in ingest.runs; is it a run of this database?")
        }
        return nil
    }

    /// On a standby: whether its replay is paused, which no waiting will end.
    private func replayState() throws -> String {
        try connection.query("SELECT pg_is_wal_replay_paused()").rows[0].decode(Bool.self, 0)
            ? " (its replay is paused: pg_wal_replay_resume() on the standby resumes it)" : " (it lags the primary)"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
