import ArgumentParser
import Logging
import Postgres
import Pipeline
import ServiceCommand

struct CensusBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Load one daily batch of census records, replacing that batch date's records, then score it and record the model's performance on it.",
        discussion: "The file has 42 fields and no header (see data/census/census_income_metadata.txt). Other batches stay.")

    @Argument(help: "The batch file.")
    var file: String

    @Option(help: "The batch's date, YYYY-MM-DD. Default: today (UTC).")
    var batchDate: String?

    @Option(help: "The folder the rejects file goes to, as census_<batch-date>_rejects.jsonl.")
    var dataDir = "data"

    @OptionGroup var model: CensusModelOptions

    @Flag(help: "Only load; score later with `ingest score` (as the Airflow DAG does, one step per task).")
    var noScore = false

    @OptionGroup var options: LoadOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let batchDate, CalendarDate(iso: batchDate) == nil {
            throw ValidationError("--batch-date \(batchDate): expected a real date written YYYY-MM-DD")
        }
    }

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let batch = batchDate ?? CalendarDate.today().description
            let opened = try OpenedDataset(.census, dataDirectory: dataDir, files: ["census": file])
            let (result, connection) = try options.load(
                opened, batch: batch, defaultRejects: "\(dataDir)/census_\(batch)_rejects.jsonl", database: database, logger: logger)
            guard result.status != .rolledBack, !noScore else { return result.exitStatus }
            let (registered, xgboost) = try ModelRegistry(connection: connection).registerXGBoost(name: model.modelName, path: model.model)
            try scoreBatch(batch, registered: registered, model: xgboost, connection: connection, database: database, logger: logger)
            return result.exitStatus
        }
    }
}

/// Scores a loaded batch and records the model's performance on it.
@discardableResult
func scoreBatch(
    _ batch: String, registered: RegisteredModel, model: XGBoostModel, connection: Connection, database: DatabaseOptions, logger: Logger
) throws -> ScoringResult {
    let result = try CensusScorer(reader: try database.connect(), writer: connection, logger: logger)
        .score(batch: batch, registered: registered, model: model)
    guard result.rows > 0 else {
        logger.warning("batch \(batch) has no records: nothing to measure the model on")
        return result
    }
    try PerformanceTracker(connection: connection, logger: logger).record(batch: batch, model: registered)
    return result
}

/// Which model scores census batches.
struct CensusModelOptions: ParsableArguments {
    @Option(help: "The XGBoost JSON model file, registered in ml.models (again only if it changed).")
    var model = "data/census/xgbc.json"

    @Option(help: "The name the model is registered under; a changed file becomes its next version.")
    var modelName = "census_income_xgboost"
}

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a loaded census batch again with a registered model, replacing that batch's predictions for it.")

    @Option(help: "The batch to score, YYYY-MM-DD.")
    var batchDate: String

    @Option(help: "Score with this registered version of --model-name instead of registering the --model file.")
    var modelVersion: Int?

    @Option(help: "Measure drift and accuracy change against this batch from now on (default: the first batch scored).")
    var referenceBatch: String?

    @OptionGroup var model: CensusModelOptions

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        for (option, date) in [("--batch-date", batchDate), ("--reference-batch", referenceBatch)] {
            if let date, CalendarDate(iso: date) == nil {
                throw ValidationError("\(option) \(date): expected a real date written YYYY-MM-DD")
            }
        }
    }

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let connection = try database.connect()
            try database.migrate(connection, logger: logger)
            let registry = ModelRegistry(connection: connection)
            // A version asks for a registered model; otherwise the model file is registered (again only if changed).
            let (registered, xgboost) = try modelVersion.map { try registry.loadXGBoost(name: model.modelName, version: $0) }
                ?? registry.registerXGBoost(name: model.modelName, path: model.model)
            if let referenceBatch {
                try connection.query("UPDATE ml.models SET reference_batch = $2 WHERE model_id = $1", [registered.id, referenceBatch])
            }
            let result = try scoreBatch(batchDate, registered: registered, model: xgboost, connection: connection, database: database, logger: logger)
            print("scored \(result.rows), unknown category \(result.unknownCategoryRows)")
            return 0
        }
    }
}
