import CLibPQ
import Failures
import Foundation

/// Watches a session from a second one while it works: when the session waits for a lock, the sessions it
/// waits for are reported (once per change of who they are), so that a load held up by a report left open in
/// a transaction, or by another load, is never silent. With `lock_timeout` set on the watched session, a wait
/// past it ends as `LockTimeout`, naming the sessions last seen in the way.
public final class LockWatch: @unchecked Sendable {
    /// A lock wait that ran out: the work rolled back and may be tried again once the other session ends.
    public struct LockTimeout: FailureDescribing {
        public let reason: String
        public var failure: Failure { .temporary }
        public var description: String { reason }
    }

    let watcher: Connection
    /// The sessions blocking the watched one, a row each: pid, then a description (its pid bound as $1).
    let blockersQuery: SQLQuery
    let interval: TimeInterval
    let report: @Sendable (String) -> Void
    let condition = NSCondition()
    var stopped = false
    /// Who the watched session waited for at the last look, described.
    var blockers = ""

    /// `watcher` must be another session than `watched`; `blockers` names the sessions blocking the one
    /// whose pid it is given; `report` gets one line per change of them.
    public init(
        watched: Connection, watcher: Connection, blockers: (Int) throws -> SQLQuery, interval: TimeInterval = 1,
        report: @escaping @Sendable (String) -> Void
    ) rethrows {
        self.watcher = watcher
        blockersQuery = try blockers(Int(PQbackendPID(watched.handle)))
        self.interval = interval
        self.report = report
    }

    /// Runs `body` while the watch looks every `interval`; a lock timeout in it becomes `LockTimeout`.
    public func during<T>(_ body: () throws -> T) throws -> T {
        let thread = Thread { [self] in watch() }
        thread.start()
        defer {
            condition.lock()
            stopped = true
            condition.signal()
            condition.unlock()
        }
        do {
            return try body()
        } catch {
            let cause = (error as? TransactionError)?.primary ?? error
            guard let postgres = cause as? PostgresError, postgres.sqlState == "55P03" else { throw error }
            condition.lock()
            let who = blockers
            condition.unlock()
            throw LockTimeout(reason: "gave up waiting for a lock\(who.isEmpty ? "" : " held by \(who)") (lock_timeout): nothing was changed; try again once that session ends, or wait longer with --lock-timeout")
        }
    }

    private func watch() {
        var lastReported: [String] = []
        while true {
            condition.lock()
            if !stopped { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
            let done = stopped
            condition.unlock()
            if done { return }
            // A look that fails (the watcher's session lost) only ends the watching, never the work.
            guard let rows = try? watcher.query(blockersQuery).rows else { return }
            let pids = rows.compactMap { $0[0] }
            let now = rows.compactMap { $0[1] }.joined(separator: ", ")
            // The last sessions seen in the way stay named after the wait ends, for the timeout's message.
            if !now.isEmpty {
                condition.lock()
                blockers = now
                condition.unlock()
            }
            if !pids.isEmpty, pids != lastReported { report("waiting for a lock held by \(now)") }
            lastReported = pids
        }
    }
}
