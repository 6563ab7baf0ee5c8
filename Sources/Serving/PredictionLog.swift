import Foundation
import Formats
import Logging
import Postgres

/// Records every served prediction in `ml.served_predictions`, off the request path: requests append to a
/// bounded queue (never waiting on the database), and a thread of its own COPYs what has queued in batches.
/// When the database is down the queue keeps what fits and the rest is counted as dropped, so predictions are
/// still served and the loss is visible on /metrics.
public final class PredictionLog: @unchecked Sendable {
    struct Entry {
        let servedAt: String
        let modelID: Int
        let inputs: [UInt8]
        let output: [UInt8]
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
    public init(configuration: PostgresConfiguration, capacity: Int = 100_000, metrics: ServeMetrics, logger: Logger) {
        self.configuration = configuration
        self.capacity = capacity
        self.metrics = metrics
        self.logger = logger
    }

    /// Queues one served prediction; drops it (and counts it) when the queue is full.
    func record(modelID: Int, inputs: [UInt8], output: [UInt8], servedAt: String = PredictionLog.now()) {
        let entry = Entry(servedAt: servedAt, modelID: modelID, inputs: inputs, output: output)
        condition.lock()
        defer { condition.unlock() }
        guard queue.count < capacity else {
            metrics.dropped(1)
            return
        }
        queue.append(entry)
        if queue.count >= 1000 { condition.signal() }
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

    /// One COPY of `entries`.
    private func write(_ entries: [Entry]) throws {
        let connection = try self.connection ?? Connection(configuration)
        self.connection = connection
        try connection.copyIn("COPY ml.served_predictions (served_at, model_id, inputs, output) FROM STDIN") { writer in
            var line: [UInt8] = []
            for entry in entries {
                line.removeAll(keepingCapacity: true)
                line.append(contentsOf: "\(entry.servedAt)\t\(entry.modelID)\t".utf8)
                CopyText.appendEscaped(entry.inputs, to: &line)
                line.append(UInt8(ascii: "\t"))
                CopyText.appendEscaped(entry.output, to: &line)
                line.append(UInt8(ascii: "\n"))
                try writer.write(line)
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
