import Formats
import Logging
import Postgres
import Schema
import Scoring

/// What scoring a batch did.
public struct ScoringResult: Sendable {
    public let rows: Int
    /// Rows with a category the model has no one-hot column for (none of that input's columns was set).
    public let unknownCategoryRows: Int
}

/// Scores a census batch with a registered XGBoost model: the model's inputs are read from census.persons
/// (categories in the file's spelling, as the one-hot feature names use it), encoded as pandas get_dummies
/// would, scored in Swift, and written to census.predictions, replacing that batch's rows for that model.
/// Rows stream from one session's COPY TO into the other's COPY FROM, so memory does not grow with the batch.
public struct CensusScorer {
    /// The inputs census.predictions has columns for, in its column order.
    static let inputs = ["age", "sex", "marital_stat", "education", "tax_filer_stat"]

    let reader: Connection
    let writer: Connection
    let sql: SQLFolder
    let logger: Logger

    public init(reader: Connection, writer: Connection, sql: SQLFolder, logger: Logger) {
        self.reader = reader
        self.writer = writer
        self.sql = sql
        self.logger = logger
    }

    /// How the model's features are read from the census inputs; throws when the model's features are not
    /// the census inputs' (so a command can check a model before it loads anything).
    public static func encoder(for model: XGBoostModel) throws -> OneHotEncoder {
        try OneHotEncoder(featureNames: model.featureNames, numeric: ["age"], categorical: Array(inputs.dropFirst()))
    }

    /// Scores `batch`; `then` runs in the same transaction once the predictions are in place (recording the
    /// model's performance on them), so both commit together or neither does.
    public func score(
        batch: String, registered: RegisteredModel, model: XGBoostModel, then: (ScoringResult) throws -> Void = { _ in }
    ) throws -> ScoringResult {
        let encoder = try Self.encoder(for: model)
        try reader.query("SELECT set_config('pgpipe.batch', \(batch), false)")
        let select = try sql.query("census/scoring_inputs.sql")
        var rows = 0, unknown = 0
        try writer.withTransaction {
            try writer.lockForTransaction("pgpipe:scoring:census")
            // The batch's predictions are rebuilt apart, other models' rows carried over, and swapped in.
            let predictions = BatchPartition(schema: "census", table: "predictions", connection: writer)
            try predictions.begin()
            try writer.query(
                "INSERT INTO \(identifier: "census", predictions.incoming) SELECT * FROM census.predictions WHERE batch_date = \(batch)::date AND model_id <> \(registered.id)")
            let columns = ["model_id", "batch_date", "source_line"] + Self.inputs + ["unknown_category", "probability", "predicted_over_50k"]
            try writer.copyIn("COPY \(identifier: "census", predictions.incoming) (\(identifiers: columns)) FROM STDIN") { out in
                var line: [UInt8] = []
                try reader.copyOut(select) { bytes in
                    let values = CopyText.decodeRow(bytes)
                    let (features, sawUnknown) = encoder.encode(Array(values[1...]))
                    let probability = model.probability(features)
                    rows += 1
                    if sawUnknown { unknown += 1 }
                    line.removeAll(keepingCapacity: true)
                    CopyText.appendFields(
                        [String(registered.id), batch] + values
                            + ["\(sawUnknown)", "\(probability)", "\(probability >= registered.threshold)"], to: &line)
                    line.append(UInt8(ascii: "\n"))
                    try out.write(line)
                }
            }
            try predictions.swapIn(batch: batch)
            try then(ScoringResult(rows: rows, unknownCategoryRows: unknown))
        }
        logger.info("scored batch \(batch) with \(registered.name) v\(registered.version): \(rows) rows, \(unknown) with a category the model does not know")
        return ScoringResult(rows: rows, unknownCategoryRows: unknown)
    }
}
