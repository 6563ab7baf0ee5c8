import Foundation
import Formats
import Logging
import Postgres
import Schema

/// Records every served prediction in `ml.served_predictions`, off the request path: requests append to a
/// bounded queue (never waiting on the database), and a thread of its own COPYs what has queued in batches.
/// When the database is down the queue keeps what fits and the rest is counted as dropped, so predictions are
/// still served and the loss is visible on /metrics. With a journal, each prediction is also appended to a
/// local file before it is answered, and what a killed process had not recorded is recorded by the next.
public final class PredictionLog: @unchecked Sendable {
    struct Entry {
        /// The COPY row: served_at, model_id, inputs, output.
        let row: [UInt8]
        let modelID: Int
        /// Its journal entry (segment, boot, n), when journaled.
        var journaled: (file: String, boot: String, n: Int)? = nil
    }

    private let configuration: PostgresConfiguration
    private let capacity: Int
    private let metrics: ServeMetrics
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Entry] = []
    private var stopped = false
    /// Writes that failed to reach the database since the last that worked (under `condition`).
    private var failedWrites = 0
    private var connection: Connection?
    private let journal: PredictionJournal?
    /// Whether the entries of earlier processes in the journal have been queued.
    private var recovered = false
    /// Now, as Postgres reads a timestamptz: `2026-11-23 22:17:28.123456+00`.
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var parts = tm()
        var seconds = time.tv_sec
        gmtime_r(&seconds, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(30)
        func digits(_ value: Int, _ width: Int, then separator: Character?) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
            if let separator { out.append(separator.asciiValue!) }
        }
        digits(Int(parts.tm_year) + 1900, 4, then: "-")
        digits(Int(parts.tm_mon) + 1, 2, then: "-")
        digits(Int(parts.tm_mday), 2, then: " ")
        digits(Int(parts.tm_hour), 2, then: ":")
        digits(Int(parts.tm_min), 2, then: ":")
        digits(Int(parts.tm_sec), 2, then: ".")
        digits(time.tv_nsec / 1000, 6, then: nil)
        out += "+00".utf8
        return String(decoding: out, as: UTF8.self)
    }

    /// `capacity` entries wait at most; every `interval` (or as soon as `batch` wait) they are written.
    /// `journal`: a file each prediction is appended to before it is answered (see `PredictionJournal`).
    public init(
        configuration: PostgresConfiguration, capacity: Int = 100_000, metrics: ServeMetrics, logger: Logger,
        journal: (path: String, sql: SQLFolder)? = nil
    ) throws {
        self.configuration = configuration
        self.capacity = capacity
        self.metrics = metrics
        self.logger = logger
        self.journal = try journal.map { try PredictionJournal(folder: $0.path, sql: $0.sql) }
        recovered = self.journal == nil
    }

    /// Queues one served prediction (journaled first, when there is a journal); see `record(_:)`.
    func record(modelID: Int, inputs: [UInt8], output: [UInt8], servedAt: String = PredictionLog.now()) {
        record([(modelID, inputs, output)], servedAt: servedAt)
    }

    /// Queues the predictions of one request, journaled first in one write when there is a journal; drops
    /// from the queue (and counts) what does not fit: a journaled one is then recorded by the next serve on
    /// the journal.
    func record(_ predictions: [(modelID: Int, inputs: [UInt8], output: [UInt8])], servedAt: String = PredictionLog.now()) {
        var entries = predictions.map { prediction in
            var row = Array("\(servedAt)\t\(prediction.modelID)\t".utf8)
            CopyText.appendEscaped(prediction.inputs, to: &row)
            row.append(UInt8(ascii: "\t"))
            CopyText.appendEscaped(prediction.output, to: &row)
            row.append(UInt8(ascii: "\n"))
            return Entry(row: row, modelID: prediction.modelID)
        }
        condition.lock()
        defer { condition.unlock() }
        if let journal {
            if let journaled = journal.append(entries.map(\.row)) {
                for index in entries.indices { entries[index].journaled = journaled[index] }
            } else {
                metrics.journalFailed(entries.count)
            }
        }
        let fits = max(0, min(entries.count, capacity - queue.count))
        metrics.dropped(entries.count - fits)
        queue.append(contentsOf: entries.prefix(fits))
        if queue.count >= 1000 { condition.signal() }
    }

    /// Queues the journal's entries of earlier processes that their marks do not cover, ahead of this
    /// process's own. Needs the database (for the marks): tried again with each write until it works.
    private func recover() throws {
        guard let journal else { return }
        let connection = try self.connection ?? Connection(configuration)
        self.connection = connection
        // Marks are found by boot, which no other process shares: a container restarted on the same volume has
        // another host name, and must still find how far the earlier processes were recorded.
        var marks: [String: Int] = [:]
        let boots = "{" + (try journal.earlierBoots()).joined(separator: ",") + "}"
        for row in try connection.query("SELECT boot, recorded_through FROM ml.served_journal_marks WHERE boot = ANY (\(boots)::text[])").rows {
            marks[try row.decode(String.self, 0)] = try row.decode(Int.self, 1)
        }
        let earlier = try journal.unrecorded(marks: marks)
        condition.lock()
        queue.insert(contentsOf: earlier.map { earlier in
            let model = earlier.row.split(separator: UInt8(ascii: "\t"), maxSplits: 2).dropFirst().first.flatMap { Int(String(decoding: $0, as: UTF8.self)) }
            return Entry(row: earlier.row, modelID: model ?? 0, journaled: earlier.entry)
        }, at: 0)
        recovered = true
        condition.unlock()
        if !earlier.isEmpty {
            logger.notice("journal \(journal.folder): \(earlier.count) predictions an earlier serve answered and had not recorded are recorded now")
        }
    }

    /// Starts the writer thread: it wakes every `interval`, or when 1,000 entries wait, until `stop`. While the
    /// database cannot be reached it waits longer after each failed write (doubling, at most 30 s, with jitter),
    /// however many entries wait: a server down must not meet a storm of connections when it comes back.
    public func start(interval: TimeInterval = 1) {
        Thread { [self] in
            while true {
                condition.lock()
                let deadline = Date().addingTimeInterval(Self.pause(afterFailures: failedWrites, interval: interval))
                while !stopped, Date() < deadline, failedWrites > 0 || queue.count < 1000 {
                    _ = condition.wait(until: deadline)
                }
                let done = stopped
                condition.unlock()
                flush()
                if done { return }
            }
        }.start()
    }

    /// How long the writer waits before its next write: `interval`, or after `failures` failed writes in a row
    /// twice as long each time, at most 30 s, between half and all of it (so services that lost the same
    /// database do not come back at the same moment).
    static func pause(afterFailures failures: Int, interval: TimeInterval) -> TimeInterval {
        guard failures > 0 else { return interval }
        let ceiling = min(30, interval * pow(2, Double(min(failures, 16))))
        return ceiling * Double.random(in: 0.5...1)
    }

    /// Writes what waits; after a failure to reach the database the entries go back to the front of the
    /// queue (what no longer fits is dropped and counted) and the connection is opened again next time. A
    /// batch the database refuses for its data is written an entry at a time, so one bad entry costs only
    /// itself (dropped, counted and logged), never the batch, nor every batch after it.
    @discardableResult
    public func flush() -> Bool {
        if !recovered {
            do {
                try recover()
            } catch {
                connection = nil
                condition.lock()
                failedWrites += 1
                let failures = failedWrites
                condition.unlock()
                if failures == 1 { logger.warning("could not read the journal's marks to record what an earlier serve left: \(error); tried again less and less often") }
                return false
            }
        }
        condition.lock()
        let batch = queue
        queue.removeAll(keepingCapacity: true)
        condition.unlock()
        guard !batch.isEmpty else { return true }
        do {
            try write(batch)
            metrics.recorded(batch.count)
            condition.lock()
            let failures = failedWrites
            failedWrites = 0
            journalRecorded(batch)
            condition.unlock()
            if failures > 0 { logger.info("served predictions are recorded again, after \(failures) failed writes") }
            return true
        } catch let error as PostgresError where error.isDataError {
            var written = 0
            for entry in batch {
                do {
                    try write([entry])
                    written += 1
                } catch {
                    logger.warning("could not record a served prediction of model \(entry.modelID): \(error)")
                }
            }
            metrics.recorded(written)
            metrics.dropped(batch.count - written)
            condition.lock()
            journalRecorded(batch)  // a bad entry will not record better later: it is counted dropped
            condition.unlock()
            return written == batch.count
        } catch {
            connection = nil
            condition.lock()
            failedWrites += 1
            let failures = failedWrites
            let kept = batch.prefix(max(0, capacity - queue.count))
            queue.insert(contentsOf: kept, at: 0)
            condition.unlock()
            // One line when recording stops, one when it works again: not one per attempt.
            if failures == 1 {
                logger.warning("could not record \(batch.count) served predictions: \(error); they wait (up to \(capacity)) and the writes are retried less and less often, at most every 30 s")
            }
            metrics.dropped(batch.count - kept.count)
            return false
        }
    }

    /// After `batch` is written (under `condition`): journal segments with nothing left waiting go.
    private func journalRecorded(_ batch: [Entry]) {
        journal?.recorded(batch.compactMap(\.journaled))
    }

    /// One COPY of `entries` and, in the same transaction, the journal's marks moved past them.
    private func write(_ entries: [Entry]) throws {
        let connection = try self.connection ?? Connection(configuration)
        self.connection = connection
        try connection.withTransaction {
            try connection.copyIn("COPY ml.served_predictions (served_at, model_id, inputs, output) FROM STDIN") { writer in
                for entry in entries { try writer.write(entry.row) }
            }
            guard let journal else { return }
            var last: [String: Int] = [:]
            for case let (_, boot, n)? in entries.map(\.journaled) { last[boot] = max(last[boot] ?? 0, n) }
            for (boot, n) in last {
                try connection.query(SQLQuery(unescaped: journal.markStatement, binds: [journal.name, boot, n]))
            }
        }
    }

    /// Stops the writer thread after one last flush.
    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
