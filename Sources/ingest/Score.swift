import ArgumentParser
import Pipeline
import ServiceCommand

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
        try requireDate("--batch-date", batchDate)
        try requireDate("--reference-batch", referenceBatch)
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
