import Foundation
import Logging
import Postgres
import Schema
import Scoring

/// The models being served, by name and version, swapped whole when they are reloaded, so a request sees
/// one catalogue from start to end. Reads never touch the database.
public final class ModelCatalog: @unchecked Sendable {
    private let lock = NSLock()
    private var models: [String: [Int: ServedModel]] = [:]
    private var newestModelID: Int = 0

    public init(_ models: [ServedModel] = [], newestModelID: Int = 0) {
        replace(models, newestModelID: newestModelID)
    }

    public func replace(_ served: [ServedModel], newestModelID: Int) {
        let byName = Dictionary(grouping: served, by: \.name).mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.version, $0) }) }
        lock.withLock {
            models = byName
            self.newestModelID = newestModelID
        }
    }

    /// The model `name` at `version`, or its latest version.
    public func model(_ name: String, version: Int? = nil) -> ServedModel? {
        lock.withLock {
            guard let versions = models[name] else { return nil }
            return version.map { versions[$0] } ?? versions.max { $0.key < $1.key }?.value
        }
    }

    /// Every served model version, by name then version.
    public var all: [ServedModel] {
        lock.withLock { models.values.flatMap(\.values).sorted { ($0.name, $0.version) < ($1.name, $1.version) } }
    }

    public var isEmpty: Bool { lock.withLock { models.isEmpty } }

    /// Replaces the catalogue with `loaded`, keeping the versions served before that failed to load this time.
    public func replace(loaded: [ServedModel], failed: [(name: String, version: Int)], newestModelID: Int) {
        let kept = failed.compactMap { model($0.name, version: $0.version) }
        replace(loaded + kept, newestModelID: newestModelID)
    }
    public var newest: Int { lock.withLock { newestModelID } }
}

/// Whether the database answers, and the newest model id, checked on one kept connection (opened again after
/// a failure) from a background thread; readers get the last answer without waiting.
public final class DatabaseStatus: @unchecked Sendable {
    private let configuration: PostgresConfiguration
    private let lock = NSLock()
    private var connection: Connection?
    private var lastReachable = false

    public init(configuration: PostgresConfiguration) {
        self.configuration = configuration
    }

    public var reachable: Bool { lock.withLock { lastReachable } }

    /// Checks now (blocking: call it off the event loop); returns the newest model id, nil when unreachable.
    @discardableResult
    public func refresh() -> Int? {
        let newest = try? { () throws -> Int in
            let connection = try self.connection ?? Connection(configuration)
            self.connection = connection
            return try connection.query("SELECT coalesce(max(model_id), 0) FROM ml.models").rows[0].decode(Int.self, 0)
        }()
        if newest == nil { connection = nil }
        lock.withLock { lastReachable = newest != nil }
        return newest
    }
}

/// Reads the registered models from `ml.models` (and what serving them needs: the accident lookups' labels,
/// the latest metrics) on a connection of its own. libpq blocks, so callers run it off the event loop.
public struct ModelLoader: Sendable {
    let configuration: PostgresConfiguration
    let sql: SQLFolder
    let logger: Logger

    public init(configuration: PostgresConfiguration, sql: SQLFolder, logger: Logger) {
        self.configuration = configuration
        self.sql = sql
        self.logger = logger
    }

    /// The models that load, the newest model id, and the versions that failed (kept as they were by the caller).
    public func load() throws -> (models: [ServedModel], newestModelID: Int, failed: [(name: String, version: Int)]) {
        let connection = try Connection(configuration)
        // One snapshot: the models, their metrics and the lookups as of one moment.
        return try connection.withTransaction(isolation: .repeatableRead, readOnly: true) { try load(connection) }
    }

    private func load(_ connection: Connection) throws -> (models: [ServedModel], newestModelID: Int, failed: [(name: String, version: Int)]) {
        let rows = try connection.query(try sql.query("models/served_models.sql")).rows
        var served: [ServedModel] = []
        var failed: [(name: String, version: Int)] = []
        var newest = 0
        for row in rows {
            let id = try row.decode(Int.self, 0), name = try row.decode(String.self, 1), version = try row.decode(Int.self, 2)
            newest = max(newest, id)
            let definition = Data(try row.decode(String.self, 4).utf8)
            do {
                switch try row.decode(String.self, 3) {
                case "xgboost":
                    let file = try row.decode(String?.self, 7).map { " (\($0))" } ?? ""
                    served.append(try .census(
                        id: id, name: name, version: version, model: try XGBoostModel(json: definition), threshold: try row.decode(Double.self, 5),
                        trainingData: "model file sha256 \(try row.decode(String.self, 6))\(file)", metrics: try censusMetrics(id, connection)))
                case "logistic_regression":
                    let stored = try AccidentSeverityModel(json: definition)
                    served.append(.accident(
                        id: id, name: name, version: version, model: try stored.model(), features: stored.features, classes: stored.classes,
                        labels: try accidentLabels(connection), trainingData: stored.trainingData, metrics: try accidentMetrics(id, connection)))
                default:
                    logger.warning("model \(name) v\(version): kind not served")
                }
            } catch {
                logger.error("model \(name) v\(version) cannot be served: \(error)")
                failed.append((name, version))
            }
        }
        return (served, newest, failed)
    }

    private func censusMetrics(_ id: Int, _ connection: Connection) throws -> [(String, Double)] {
        let rows = try connection.query(try sql.query("models/census_latest_performance.sql", [id])).rows
        guard let row = rows.first else { return [] }
        return try ["accuracy", "roc_auc", "log_loss", "max_psi"].enumerated().compactMap { index, name in
            try row.decode(Double?.self, index).map { ("latest_batch_\(name)", $0) }
        }
    }

    private func accidentMetrics(_ id: Int, _ connection: Connection) throws -> [(String, Double)] {
        try connection.query(try sql.query("models/accident_test_metrics.sql", [id])).rows.map { (try $0.decode(String.self, 0), try $0.decode(Double.self, 1)) }
    }

    private func accidentLabels(_ connection: Connection) throws -> [String: [String: String]] {
        var labels: [String: [String: String]] = [:]
        for input in AccidentSeverityModel.inputs {
            labels[input] = Dictionary(
                try connection.query("SELECT code::text, label FROM \(identifier: "accident", input)").rows
                    .map { (try $0.decode(String.self, 0), try $0.decode(String.self, 1)) }) { first, _ in first }
        }
        return labels
    }
}
