import ArgumentParser
import CommandSupport
import Ingestion
import Logging
import ModelStore
import Postgres
import Scoring
import Validation

struct CensusBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Load one daily batch of census records, replacing that batch date's records, then score it and record the model's performance on it.",
        discussion: "The file has 42 fields and no header (see data/census/census_income_metadata.txt). Other batches stay.")

    @Argument(help: "The batch file.")
    var file: String

    @Option(help: "The batch's date, YYYY-MM-DD. Default: today (UTC).", transform: CalendarDate.argument)
    var batchDate: CalendarDate?

    @Flag(help: "Accept a batch date outside the usual window (1970-01-01 to a year from today).")
    var anyBatchDate = false

    func validate() throws {
        if let batchDate { try BatchDateWindow.check(batchDate, option: "--batch-date", allowAny: anyBatchDate) }
    }

    @Option(help: "The folder whose rejects/ the rejects file goes to, as census_<batch-date>_rejects.jsonl.")
    var dataDir = "data"

    @OptionGroup var model: CensusModelOptions

    @Flag(help: "Only load; score later with `ingest score` (as the Airflow DAG does, one step per task).")
    var noScore = false

    @OptionGroup var options: LoadOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var shards: ShardOptions

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let batch = (batchDate ?? CalendarDate.today()).description
            let opened = try OpenedDataset(try database.catalog.dataset("census"), dataDirectory: dataDir, files: ["census": file])
            // The model is read before the load, so a missing or broken model changes nothing (nor places the batch).
            let modelFile = noScore ? nil : try XGBoostFile(path: model.model)
            if let modelFile { _ = try CensusScorer.encoder(for: modelFile.model) }
            let database = try shards.routed(database, batch: batch, place: true, logger: logger)
            // The model is registered on its own (registration holds a lock parallel loads share), and the
            // batch scored in the load's transaction: readers, and a load whose scoring fails, keep the
            // previous batch with its previous scores.
            var scoring: (RegisteredModel, XGBoostModel)?
            let (result, connection) = try options.load(
                opened, batch: batch, defaultRejects: LoadOptions.defaultRejects(dataDir: dataDir, name: "census_\(batch)"), database: database, logger: logger,
                check: { connection in
                    scoring = try modelFile.map { try ModelRegistry(connection: connection, sql: database.sqlFolder).register($0, name: model.modelName) }
                }
            ) { connection in
                guard let (registered, xgboost) = scoring else { return }
                try scoreBatch(batch, registered: registered, model: xgboost, connection: connection, reader: nil, database: database, logger: logger)
            }
            try result.recordCommitLSN(connection: connection, database: database, logger: logger)
            return result.exitStatus
        }
    }
}

/// Scores a loaded batch and records the model's performance on it. The inputs are read on `reader`, or
/// on `connection` itself when it holds the transaction that loaded them. `first` runs in the scoring's
/// transaction before the performance is measured.
@discardableResult
func scoreBatch(
    _ batch: String, registered: RegisteredModel, model: XGBoostModel, connection: Connection, reader: Connection?,
    database: DatabaseOptions, logger: Logger, first: () throws -> Void = {}
) throws -> ScoringResult {
    let tracker = PerformanceTracker(connection: connection, sql: database.sqlFolder, logger: logger)
    return try CensusScorer(reader: reader, writer: connection, sql: database.sqlFolder, logger: logger)
        .score(batch: batch, registered: registered, model: model) { result in
            try first()
            guard result.rows > 0 else {
                logger.warning("batch \(batch) has no records: nothing to measure the model on")
                return
            }
            try tracker.recordInTransaction(batch: batch, model: registered)
        }
}

/// Which model scores census batches.
struct CensusModelOptions: ParsableArguments {
    @Option(help: "The XGBoost JSON model file, registered in ml.models (again only if it changed).")
    var model = "data/census/xgbc.json"

    @Option(help: "The name the model is registered under; a changed file becomes its next version.")
    var modelName = "census_income_xgboost"
}
