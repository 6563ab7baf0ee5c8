import Foundation
import Logging
import Postgres
import Schema
import Scoring

/// Computes a scored batch's metrics and its inputs' drift against the reference batch, and stores them in
/// census.model_performance and census.feature_stability, replacing that batch's rows for that model.
public struct PerformanceTracker {
    /// Accuracy may fall this much against the reference batch before the batch is flagged.
    static let accuracyDropLimit = 0.02
    /// A population stability index above this flags the batch as drifted.
    static let driftLimit = 0.2

    let connection: Connection
    let sql: SQLFolder
    let logger: Logger

    public init(connection: Connection, sql: SQLFolder, logger: Logger) {
        self.connection = connection
        self.sql = sql
        self.logger = logger
    }

    @discardableResult
    public func record(batch: String, model: RegisteredModel) throws -> ClassificationMetrics {
        try connection.withTransaction { try recordInTransaction(batch: batch, model: model) }
    }

    /// `record` inside a transaction the caller holds open (the scorer's, so a batch's predictions and its
    /// performance row commit together or not at all).
    @discardableResult
    public func recordInTransaction(batch: String, model: RegisteredModel) throws -> ClassificationMetrics {
        // The batch's lock, as its scoring takes it (BatchPartition.lock). The first batch scored becomes the
        // reference, unless one was chosen: a batch scored alongside it waits on the model's row here until
        // that one commits, then reads the same reference.
        try connection.lockForTransaction("pgpipe:batch:census:\(batch)")
        try connection.query(
            "UPDATE ml.models SET reference_batch = \(batch) WHERE model_id = \(model.id) AND reference_batch IS NULL")
        let reference = try connection.query("SELECT reference_batch FROM ml.models WHERE model_id = \(model.id)")
            .rows[0].decode(String.self, 0)
        let metrics = try metricsOf(batch: batch, model: model)
        // The reference batch's accuracy as recorded when it was scored (its row goes when it is reloaded,
        // with its predictions); measured again only when there is none.
        let recorded = try connection.query(
            "SELECT accuracy FROM census.model_performance WHERE model_id = \(model.id) AND batch_date = \(reference)::date").rows
        let referenceAccuracy = try reference == batch ? metrics.accuracy
            : recorded.first.map { try $0.decode(Double.self, 0) } ?? metricsOf(batch: reference, model: model).accuracy
        let actual = try buckets(batch: batch, model: model)
        let expected = reference == batch ? actual : try buckets(batch: reference, model: model)
        let stability = CensusIncomeModel.inputs.map { input in
            (input, populationStabilityIndex(actual: actual[input, default: [:]], expected: expected[input, default: [:]]))
        }
        let maxPSI = stability.map(\.1).max() ?? 0
        let change = metrics.accuracy - referenceAccuracy
        try connection.query("DELETE FROM census.model_performance WHERE model_id = \(model.id) AND batch_date = \(batch)::date")
        try connection.query(try sql.query(
            "census/record_performance.sql",
            [model.id, batch, reference, metrics.rows, model.threshold, metrics.actualPositiveRate,
             metrics.predictedPositiveRate, metrics.accuracy, metrics.precision, metrics.recall, metrics.f1,
             metrics.rocAUC, metrics.logLoss, metrics.brier, metrics.truePositives, metrics.falsePositives,
             metrics.trueNegatives, metrics.falseNegatives, change, maxPSI,
             change < -Self.accuracyDropLimit, maxPSI > Self.driftLimit]))
        for (feature, psi) in stability {
            try connection.query(
                "INSERT INTO census.feature_stability VALUES (\(model.id), \(batch)::date, \(feature), \(psi))")
        }
        logger.debug("batch \(batch): accuracy \(metrics.accuracy), ROC AUC \(metrics.rocAUC.map { "\($0)" } ?? "undefined"), largest PSI \(maxPSI) against \(reference)")
        if change < -Self.accuracyDropLimit { logger.warning("batch \(batch): accuracy fell \(-change) against \(reference)") }
        if maxPSI > Self.driftLimit { logger.warning("batch \(batch): inputs drifted (PSI \(maxPSI) > \(Self.driftLimit))") }
        return metrics
    }

    /// The batch's metrics from its (probability, outcome) pairs, streamed through COPY into 9 bytes a record
    /// (a million records: 9 MB, where one libpq result of them took over 100 MB). The partitioned tables
    /// have no statistics of their own, so the planner takes the join of a batch's records and predictions
    /// for 5 billion rows and probes an index a million times (2.4 s); the two are one to one, in the same
    /// order, so the statement runs without nested loops (a merge join of the two key indexes, 1.0 s).
    private func metricsOf(batch: String, model: RegisteredModel) throws -> ClassificationMetrics {
        try connection.query(try sql.query("census/tracking_settings.sql", [String(model.id), batch]))
        defer { for setting in ["enable_nestloop", "jit"] { _ = try? connection.query("RESET \(unescaped: setting)") } }
        var probabilities: [Double] = [], actual: [Bool] = []
        _ = try connection.copyOut(try sql.query("census/scored_outcomes.sql")) { row in
            // `0.1234\tt\n`: float8 text is the shortest that reads back as the same double.
            guard let tab = row.firstIndex(of: UInt8(ascii: "\t")), tab + 1 < row.count,
                let probability = Self.double(UnsafeRawBufferPointer(rebasing: row[..<tab]))
            else { throw ModelError(description: "batch \(batch): an unreadable prediction row from COPY") }
            probabilities.append(probability)
            actual.append(row[tab + 1] == UInt8(ascii: "t"))
        }
        guard !actual.isEmpty else { throw ModelError(description: "batch \(batch) has no predictions from model \(model.id)") }
        return ClassificationMetrics(probabilities: probabilities, actual: actual, threshold: model.threshold)
    }

    /// A float8 in COPY's text form, read with strtod (exact for the shortest round-trip form the server writes).
    static func double(_ text: UnsafeRawBufferPointer) -> Double? {
        guard !text.isEmpty, text.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            _ = buffer.initialize(from: text.lazy.map { CChar(bitPattern: $0) })
            buffer[text.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            return end == buffer.baseAddress! + text.count ? value : nil
        }
    }

    /// Counts per bucket of every input in a batch, in one pass (a grouping set per input): ten-year bands for
    /// a numeric input (age), the category (NULL included) otherwise.
    private func buckets(batch: String, model: RegisteredModel) throws -> [String: [String: Int]] {
        let inputs = CensusIncomeModel.inputs
        let buckets = inputs.map { CensusIncomeModel.numericInputs.contains($0) ? "(\(Identifier.quoted($0)) / 10 * 10)::text" : "coalesce(\(Identifier.quoted($0)), '(missing)')" }
        let rows = try connection.query(try sql.query(
            "census/input_buckets.sql",
            fragments: ["buckets": buckets.joined(separator: ", "), "bucket_sets": buckets.map { "(\($0))" }.joined(separator: ", ")],
            [model.id, batch])).rows
        var counts: [String: [String: Int]] = [:]
        for row in rows {
            // GROUPING has a bit set for each bucket the row is not grouped by, the first bucket's highest: each
            // row of these grouping sets has exactly one bit clear, its own bucket's.
            let grouping = try row.decode(Int.self, 0)
            guard let index = inputs.indices.first(where: { grouping & (1 << (inputs.count - 1 - $0)) == 0 }) else {
                preconditionFailure("GROUPING() gave \(grouping), which names no bucket")
            }
            counts[inputs[index], default: [:]][try row.decode(String.self, 1 + index)] = try row.decode(Int.self, 1 + inputs.count)
        }
        return counts
    }
}
