import Failures
import Formats
import Foundation
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
/// Rows stream from one session's COPY TO into the other's COPY FROM, scored a block of 1,024 at a time, so
/// memory does not grow with the batch.
public struct CensusScorer {
    static let inputs = CensusIncomeModel.inputs

    /// The session the inputs are streamed from while `writer` copies the predictions in; nil reads them on
    /// `writer` itself, inside the transaction it holds open (a load scoring the batch it has not committed).
    let reader: Connection?
    let writer: Connection
    let sql: SQLFolder
    let logger: Logger

    public init(reader: Connection?, writer: Connection, sql: SQLFolder, logger: Logger) {
        self.reader = reader
        self.writer = writer
        self.sql = sql
        self.logger = logger
    }

    /// How the model's features are read from the census inputs; throws when the model's features are not
    /// the census inputs' (so a command can check a model before it loads anything).
    public static func encoder(for model: XGBoostModel) throws -> OneHotEncoder {
        try OneHotEncoder(featureNames: model.featureNames, numeric: CensusIncomeModel.numericInputs, categorical: CensusIncomeModel.categoricalInputs)
    }

    /// Scores `batch`; `then` runs in the same transaction once the predictions are in place (recording the
    /// model's performance on them), so both commit together or neither does. Inside a transaction the
    /// writer already holds, they commit with it.
    public func score(
        batch: String, registered: RegisteredModel, model: XGBoostModel, then: (ScoringResult) throws -> Void = { _ in }
    ) throws -> ScoringResult {
        let encoder = try Self.encoder(for: model)
        let select = try sql.query("census/scoring_inputs.sql")
        var rows = 0, unknown = 0
        try writer.withTransaction {
            try (reader ?? writer).query("SELECT set_config('pgpipe.batch', \(batch), \(reader == nil))")
            // The batch's predictions are rebuilt apart, other models' rows carried over, and swapped in;
            // other batches are scored (and loaded) alongside.
            let predictions = BatchPartition(schema: "census", table: "predictions", connection: writer, sql: sql)
            try predictions.lock(batch: batch)
            let spill = try reader == nil ? Spill(writer, select) : nil
            try predictions.begin(batch: batch)
            let incoming = predictions.incoming(batch: batch)
            try writer.query(
                "INSERT INTO \(identifier: "census", incoming) SELECT * FROM census.predictions WHERE batch_date = \(batch)::date AND model_id <> \(registered.id)")
            let columns = ["model_id", "batch_date", "source_line"] + Self.inputs + ["unknown_category", "probability", "predicted_over_50k"]
            var block = Block(width: encoder.featureCount, prefix: "\(registered.id)\t\(batch)\t")
            try writer.copyIn("COPY \(identifier: "census", incoming) (\(identifiers: columns)) FROM STDIN") { out in
                func scoreRow(_ bytes: UnsafeRawBufferPointer) throws {
                    // A row of COPY's text output ends in a newline; its fields are the prediction row's inputs.
                    let row = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.last == UInt8(ascii: "\n") ? bytes.count - 1 : bytes.count)])
                    let values = CopyText.decodeRow(row)
                    if block.append(row, encoding: { encoder.encode(values[1...], into: $0) }) { unknown += 1 }
                    rows += 1
                    if block.isFull { try block.write(to: out, model: model, threshold: registered.threshold) }
                }
                if let spill { try spill.rows(scoreRow) } else if let reader { _ = try reader.copyOut(select, scoreRow) }
                try block.write(to: out, model: model, threshold: registered.threshold)
            }
            try predictions.swapIn(batch: batch)
            try then(ScoringResult(rows: rows, unknownCategoryRows: unknown))
        }
        logger.debug("scored batch \(batch) with \(registered.name) v\(registered.version): \(rows) rows, \(unknown) with a category the model does not know")
        return ScoringResult(rows: rows, unknownCategoryRows: unknown)
    }
}

extension CensusScorer {
    /// One session cannot stream COPY out and in at once: inputs read inside the writer's own transaction
    /// (rows no other session sees yet) go to a temporary file first and are read back from it while the
    /// predictions are copied in. Memory stays flat; the file is removed when the spill is released.
    final class Spill {
        let path: String
        let file: UnsafeMutablePointer<FILE>

        init(_ connection: Connection, _ select: SQLQuery) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("pgpipe-scoring-\(UUID().uuidString)").path
            guard let file = fopen(path, "w+") else {
                throw OutputError(path: path, reason: "cannot write the scoring inputs' temporary file: \(String(cString: strerror(errno)))")
            }
            self.file = file
            unlink(path)  // the open handle keeps it; nothing is left behind whatever happens
            _ = try connection.copyOut(select) { row in
                guard fwrite(row.baseAddress, 1, row.count, file) == row.count else {
                    throw OutputError(path: path, reason: "cannot write the scoring inputs' temporary file: \(String(cString: strerror(errno)))")
                }
            }
            guard fflush(file) == 0 else { throw OutputError(path: path, reason: "cannot write the scoring inputs' temporary file") }
        }

        deinit { fclose(file) }

        /// Each row as COPY wrote it, its newline included.
        func rows(_ each: (UnsafeRawBufferPointer) throws -> Void) throws {
            rewind(file)
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(line) }
            while true {
                let length = getline(&line, &capacity, file)
                guard length > 0, let line else { break }
                try each(UnsafeRawBufferPointer(start: line, count: length))
            }
            guard ferror(file) == 0 else { throw OutputError(path: path, reason: "cannot read the scoring inputs' temporary file back") }
        }
    }
}

extension CensusScorer {
    /// Rows scored together: their features side by side for the model's block scorer, and their inputs as
    /// COPY sent them, which are the middle fields of their prediction rows, copied through unchanged.
    struct Block {
        static let capacity = 1024
        let width: Int
        let prefix: [UInt8]
        var features: [Float]
        var probabilities = [Double](repeating: 0, count: capacity)
        var inputs: [UInt8] = []
        var ends: [Int] = []
        var unknown: [Bool] = []

        init(width: Int, prefix: String) {
            self.width = width
            self.prefix = Array(prefix.utf8)
            features = [Float](repeating: 0, count: width * Self.capacity)
        }

        var isFull: Bool { ends.count == Self.capacity }

        /// Adds a row: its input fields, and its features as `encode` writes them (returning whether a
        /// category had no column, which `append` passes on).
        mutating func append(_ row: UnsafeRawBufferPointer, encoding encode: (UnsafeMutableBufferPointer<Float>) -> Bool) -> Bool {
            let start = ends.count * width
            let sawUnknown = features.withUnsafeMutableBufferPointer { encode(UnsafeMutableBufferPointer(rebasing: $0[start..<start + width])) }
            inputs.append(contentsOf: row)
            ends.append(inputs.count)
            unknown.append(sawUnknown)
            return sawUnknown
        }

        /// Scores the rows and writes their prediction rows, then empties the block.
        mutating func write(to out: CopyInWriter, model: XGBoostModel, threshold: Double) throws {
            let count = ends.count
            guard count > 0 else { return }
            features.withUnsafeBufferPointer { features in
                probabilities.withUnsafeMutableBufferPointer { probabilities in
                    model.probabilities(
                        of: UnsafeBufferPointer(rebasing: features[..<(count * width)]),
                        into: UnsafeMutableBufferPointer(rebasing: probabilities[..<count]))
                }
            }
            try out.withBuffer { line in
                var start = 0
                for row in 0..<count {
                    line.append(contentsOf: prefix)
                    line.append(contentsOf: inputs[start..<ends[row]])
                    start = ends[row]
                    let probability = probabilities[row]
                    line.append(contentsOf: "\t\(unknown[row])\t\(probability)\t\(probability >= threshold)\n".utf8)
                }
            }
            inputs.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            unknown.removeAll(keepingCapacity: true)
        }
    }
}
