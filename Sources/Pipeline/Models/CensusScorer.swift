import Logging
import Postgres

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
    let logger: Logger

    public init(reader: Connection, writer: Connection, logger: Logger) {
        self.reader = reader
        self.writer = writer
        self.logger = logger
    }

    public func score(batch: String, registered: RegisteredModel, model: XGBoostModel) throws -> ScoringResult {
        let encoder = try OneHotEncoder(featureNames: model.featureNames, numeric: ["age"], categorical: Array(Self.inputs.dropFirst()))
        try reader.query("SELECT set_config('pgpipe.batch', $1, false)", [batch])
        let categorical = Self.inputs.dropFirst()
        let select = """
            COPY (SELECT p.source_line, p.age, \(categorical.map { "\($0).spelling" }.joined(separator: ", "))
                  FROM census.persons p
                  \(categorical.map { "LEFT JOIN census.\($0) ON \($0).id = p.\($0)_id" }.joined(separator: "\n"))
                  WHERE p.batch_date = current_setting('pgpipe.batch')::date
                  ORDER BY p.source_line) TO STDOUT
            """
        var rows = 0, unknown = 0
        try writer.transaction {
            try writer.lockForTransaction("pgpipe:scoring:census")
            // The batch's predictions are rebuilt apart, other models' rows carried over, and swapped in.
            let predictions = BatchPartition(table: "census.predictions", connection: writer)
            try predictions.begin()
            try writer.query(
                "INSERT INTO \(predictions.incoming) SELECT * FROM census.predictions WHERE batch_date = $2::date AND model_id <> $1",
                [registered.id, batch])
            let columns = "model_id, batch_date, source_line, " + Self.inputs.joined(separator: ", ")
                + ", unknown_category, probability, predicted_over_50k"
            try writer.copyIn("COPY \(predictions.incoming) (\(columns)) FROM STDIN") { out in
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
        }
        logger.info("scored batch \(batch) with \(registered.name) v\(registered.version): \(rows) rows, \(unknown) with a category the model does not know")
        return ScoringResult(rows: rows, unknownCategoryRows: unknown)
    }
}

/// Turns named inputs into a model's feature vector: numeric inputs by name, categorical ones as
/// `<input>_<value>` one-hot columns (pandas get_dummies naming). A value with no column sets none.
struct OneHotEncoder {
    private let width: Int
    private let numericIndex: [Int]
    private let categoryIndex: [[String: Int]]

    /// `numeric` and `categorical` name the inputs in the order `encode` receives their values.
    init(featureNames: [String], numeric: [String], categorical: [String]) throws {
        width = featureNames.count
        numericIndex = try numeric.map { name in
            guard let index = featureNames.firstIndex(of: name) else {
                throw ModelError(description: "the model has no feature \(name)")
            }
            return index
        }
        var categoryIndex = [[String: Int]](repeating: [:], count: categorical.count)
        for (index, feature) in featureNames.enumerated() where !numeric.contains(feature) {
            // The longest input name that prefixes the feature owns it ("marital_stat_ Never married").
            guard let input = categorical.indices.filter({ feature.hasPrefix(categorical[$0] + "_") })
                .max(by: { categorical[$0].count < categorical[$1].count })
            else { throw ModelError(description: "model feature \"\(feature)\" belongs to no input the predictions table has") }
            categoryIndex[input][String(feature.dropFirst(categorical[input].count + 1))] = index
        }
        self.categoryIndex = categoryIndex
    }

    /// `values`: the numeric inputs, then the categorical ones, as text (nil for NULL). Returns the features
    /// and whether a non-NULL category had no column.
    func encode(_ values: [String?]) -> ([Float], Bool) {
        var features = [Float](repeating: 0, count: width)
        for (position, index) in numericIndex.enumerated() {
            features[index] = values[position].flatMap { Float($0) } ?? .nan
        }
        var unknown = false
        for (offset, columns) in categoryIndex.enumerated() {
            guard let value = values[numericIndex.count + offset] else { continue }
            if let index = columns[value] { features[index] = 1 } else { unknown = true }
        }
        return (features, unknown)
    }
}
