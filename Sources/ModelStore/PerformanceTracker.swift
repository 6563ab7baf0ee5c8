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
        let referenceMetrics = reference == batch ? metrics : try metricsOf(batch: reference, model: model)
        let stability = try CensusScorer.inputs.map { input in
            (input, populationStabilityIndex(
                actual: try buckets(of: input, batch: batch, model: model),
                expected: try buckets(of: input, batch: reference, model: model)))
        }
        let maxPSI = stability.map(\.1).max() ?? 0
        let change = metrics.accuracy - referenceMetrics.accuracy
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
        logger.info("batch \(batch): accuracy \(metrics.accuracy), ROC AUC \(metrics.rocAUC.map { "\($0)" } ?? "undefined"), largest PSI \(maxPSI) against \(reference)")
        if change < -Self.accuracyDropLimit { logger.warning("batch \(batch): accuracy fell \(-change) against \(reference)") }
        if maxPSI > Self.driftLimit { logger.warning("batch \(batch): inputs drifted (PSI \(maxPSI) > \(Self.driftLimit))") }
        return metrics
    }

    private func metricsOf(batch: String, model: RegisteredModel) throws -> ClassificationMetrics {
        let rows = try connection.query(try sql.query("census/scored_outcomes.sql", [model.id, batch])).rows
        guard !rows.isEmpty else { throw ModelError(description: "batch \(batch) has no predictions from model \(model.id)") }
        return ClassificationMetrics(
            probabilities: try rows.map { try $0.decode(Double.self, 0) }, actual: try rows.map { try $0.decode(Bool.self, 1) },
            threshold: model.threshold)
    }

    /// Counts per bucket of one input in a batch: ten-year bands for age, the category (NULL included) otherwise.
    private func buckets(of input: String, batch: String, model: RegisteredModel) throws -> [String: Int] {
        let bucket = input == "age" ? "(age / 10 * 10)::text" : "coalesce(\(Identifier.quoted(input)), '(missing)')"
        let rows = try connection.query(
            "SELECT \(unescaped: bucket), count(*) FROM census.predictions WHERE model_id = \(model.id) AND batch_date = \(batch)::date GROUP BY 1").rows
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(String.self, 0), try $0.decode(Int.self, 1)) })
    }
}
