import ArgumentParser
import CommandSupport
import Failures
import Logging
import ModelStore
import Postgres
import Validation

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a loaded census batch again with a registered model, replacing that batch's predictions for it.")

    @Option(help: "The batch to score, YYYY-MM-DD.", transform: CalendarDate.argument)
    var batchDate: CalendarDate

    @Option(help: "Score with this registered version of --model-name instead of registering the --model file.")
    var modelVersion: Int?

    @Option(
        help: "Measure drift and accuracy change against this batch from now on (default: the first batch scored).",
        transform: CalendarDate.argument)
    var referenceBatch: CalendarDate?

    @OptionGroup var model: CensusModelOptions

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var shards: ShardOptions

    func validate() throws {
        if referenceBatch != nil, shards.coordinator != nil {
            throw ValidationError("--reference-batch with --coordinator: each shard measures drift against its own first scored batch (docs/scaling.md); set it on the shard itself")
        }
    }

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let database = try shards.routed(database, batch: batchDate.description, place: false, logger: logger)
            let connection = try database.connect()
            try database.migrate(connection, logger: logger)
            let loaded = try connection.query(try database.sqlFolder.query("census/batch_loaded.sql", [batchDate.description]))
            guard try loaded.rows[0].decode(Bool.self, 0) else {
                throw InputError(path: "census batch \(batchDate)", reason: "no such batch: no census records were loaded with that date")
            }
            let registry = ModelRegistry(connection: connection, sql: database.sqlFolder)
            // A version asks for a registered model; otherwise the model file is registered (again only if changed).
            let (registered, xgboost) = try modelVersion.map { try registry.loadXGBoost(name: model.modelName, version: $0) }
                ?? registry.registerXGBoost(name: model.modelName, path: model.model)
            if let referenceBatch {
                // Checked before it is stored: a reference nothing was scored on would fail every later score.
                let scored = try connection.query(try database.sqlFolder.query("census/batch_scored.sql", [registered.id, referenceBatch.description]))
                let hasPredictions = try scored.rows[0].decode(Bool.self, 0)
                guard referenceBatch == batchDate || hasPredictions else {
                    throw InputError(path: "census batch \(referenceBatch)", reason: "--reference-batch: \(model.modelName) v\(registered.version) has scored no such batch; score it first, or choose one it has scored")
                }
            }
            // The chosen reference is stored with the scores it is measured against, or not at all.
            let result = try scoreBatch(
                batchDate.description, registered: registered, model: xgboost, connection: connection, reader: try database.connect(),
                database: database, logger: logger
            ) {
                guard let referenceBatch else { return }
                try connection.query(try database.sqlFolder.query("models/set_reference_batch.sql", [registered.id, referenceBatch.description]))
            }
            print("scored \(result.rows), unknown category \(result.unknownCategoryRows)")
            let lsn = try connection.query(try database.sqlFolder.query("ingest/wal_position.sql")).rows[0].decode(String.self, 0)
            logger.info("scores committed at WAL \(lsn); on a replica, summary --after-lsn \(lsn) reads once it is replayed")
            return 0
        }
    }
}
