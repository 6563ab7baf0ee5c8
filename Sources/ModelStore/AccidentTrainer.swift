import Crypto
import Formats
import Foundation
import Logging
import Postgres
import Schema
import Scoring

/// Trains the accident-severity model on accident.accidents: one-hot coded attributes (a missing code is a
/// category of its own), a seeded split stratified by severity (within each severity, accidents ordered by
/// md5("<seed>:<index>"), the first 20% held out), class weights balancing the severities, multinomial
/// logistic regression. Stores the model in ml.models, every prediction in accident.predictions and the
/// metrics next to the majority-class baseline in accident.model_metrics, replacing that model's rows.
public struct AccidentTrainer {
    public static let modelName = "accident_severity_logistic"
    static let attributes = AccidentSeverityModel.inputs
    /// Severity codes in class order.
    static let severities = AccidentSeverityModel.severities.map(\.code)

    let connection: Connection
    let sql: SQLFolder
    let logger: Logger
    let seed: Int
    let testShare: Double

    public init(connection: Connection, sql: SQLFolder, logger: Logger, seed: Int = 42, testShare: Double = 0.2) {
        self.connection = connection
        self.sql = sql
        self.logger = logger
        self.seed = seed
        self.testShare = testShare
    }

    struct Example {
        let index: String
        let label: Int
        let categories: [String]
        var isTest = false
    }

    public struct Result: Sendable {
        public let model: RegisteredModel
        public let test: MulticlassMetrics
        public let baseline: MulticlassMetrics
    }

    /// `trainingRun` is the load the model is trained on (the ledger's run id): its files' sha256s go into
    /// the model's definition, and the first run that trained it is kept as its reference batch.
    public func train(trainingRun: Int64) throws -> Result {
        let rows = try connection.query(try sql.query("accidents/training_examples.sql")).rows
        var examples = try rows.map { row in
            let index = try row.decode(String.self, 0), severity = try row.decode(Int.self, 1)
            guard let label = Self.severities.firstIndex(of: severity) else {
                throw ModelError(description: "accident \(index) has severity \(severity); the model knows \(Self.severities.map(String.init).joined(separator: ", "))")
            }
            return Example(
                index: index, label: label,
                categories: Self.attributes.indices.map { "\(Self.attributes[$0])=\(row[$0 + 2] ?? "missing")" })
        }
        guard !examples.isEmpty else { throw ModelError(description: "accident.accidents has no accident with a severity to train on") }
        split(&examples)
        let training = examples.filter { !$0.isTest }, test = examples.filter(\.isTest)

        // The vocabulary is what training saw; a test category it never saw sets no feature.
        let features = Set(training.flatMap(\.categories)).sorted()
        let position = Dictionary(uniqueKeysWithValues: features.enumerated().map { ($1, $0) })
        func active(_ example: Example) -> [Int] { example.categories.compactMap { position[$0] } }
        let counts = Self.severities.indices.map { c in training.filter { $0.label == c }.count }
        let classWeights = counts.map { Double(training.count) / (Double(Self.severities.count) * Double(max($0, 1))) }

        let model = LogisticRegression.fit(
            rows: training.map(active), labels: training.map(\.label),
            sampleWeights: training.map { classWeights[$0.label] }, classCount: Self.severities.count, featureCount: features.count)
        // The training data is named by its files' hashes, not by the run, so retraining on the same files
        // finds the same model instead of adding a version.
        let trainingData = try connection.query(
            "SELECT string_agg(input || ':' || sha256, ',' ORDER BY input) FROM ingest.run_sources WHERE run_id = \(trainingRun)"
        ).rows[0].decode(String?.self, 0) ?? ""
        let registered = try ModelRegistry(connection: connection, sql: sql).register(
            name: Self.modelName, kind: "logistic_regression",
            definition: try AccidentSeverityModel(
                model, features: features, classWeights: classWeights, seed: seed, testShare: testShare, trainingData: trainingData
            ).json(),
            featureNames: features, sourceFile: nil, referenceBatch: "ingest run \(trainingRun)")

        let probabilities = examples.map { model.probabilities(active($0)) }
        let testProbabilities = zip(examples, probabilities).filter { $0.0.isTest }.map(\.1)
        let testMetrics = MulticlassMetrics(actual: test.map(\.label), probabilities: testProbabilities, classCount: Self.severities.count)
        // The baseline always predicts the most common training severity, with the training frequencies as probabilities.
        let priors = counts.map { Double($0) / Double(training.count) }
        let baseline = MulticlassMetrics(
            actual: test.map(\.label), probabilities: test.map { _ in priors }, classCount: Self.severities.count)
        try store(registered, examples: examples, probabilities: probabilities, test: testMetrics, baseline: baseline,
                  train: MulticlassMetrics(actual: training.map(\.label), probabilities: zip(examples, probabilities).filter { !$0.0.isTest }.map(\.1), classCount: Self.severities.count))
        logger.debug("trained \(Self.modelName) v\(registered.version) on \(training.count) accidents: test balanced accuracy \(testMetrics.balancedAccuracy), log loss \(testMetrics.logLoss) (majority class: \(baseline.balancedAccuracy), \(baseline.logLoss))")
        return Result(model: registered, test: testMetrics, baseline: baseline)
    }

    /// Marks the held-out share of each severity, by the seeded hash order.
    private func split(_ examples: inout [Example]) {
        for c in Self.severities.indices {
            let members = examples.indices.filter { examples[$0].label == c }
                .map { (index: $0, key: Insecure.MD5.hash(data: Data("\(seed):\(examples[$0].index)".utf8)).map { String(format: "%02x", $0) }.joined()) }
                .sorted { $0.key < $1.key }
            let held = Int((Double(members.count) * testShare).rounded(.toNearestOrEven))
            for member in members.prefix(held) { examples[member.index].isTest = true }
        }
    }

    private func store(
        _ model: RegisteredModel, examples: [Example], probabilities: [[Double]],
        test: MulticlassMetrics, baseline: MulticlassMetrics, train: MulticlassMetrics
    ) throws {
        try connection.withTransaction {
            try connection.lockForTransaction("pgpipe:training:accidents")
            try connection.query("DELETE FROM accident.predictions WHERE model_id = \(model.id)")
            try connection.query("DELETE FROM accident.model_metrics WHERE model_id = \(model.id)")
            try connection.copyIn(
                "COPY accident.predictions (model_id, accident_index, split, actual_severity, predicted_severity, probability_fatal, probability_serious, probability_slight) FROM STDIN"
            ) { writer in
                for (example, p) in zip(examples, probabilities) {
                    let predicted = p.indices.max { p[$0] < p[$1] }!
                    var line = Array("\(model.id)\t".utf8)
                    CopyText.appendEscaped(example.index.utf8, to: &line)
                    line.append(contentsOf: "\t\(example.isTest ? "test" : "train")\t\(Self.severities[example.label])\t\(Self.severities[predicted])\t\(p[0])\t\(p[1])\t\(p[2])\n".utf8)
                    try writer.write(line)
                }
            }
            for (predictor, split, metrics) in [("model", "test", test), ("majority_class", "test", baseline), ("model", "train", train)] {
                var rows: [(String, Int?, Int?, Double)] = [
                    ("accuracy", nil, nil, metrics.accuracy), ("balanced_accuracy", nil, nil, metrics.balancedAccuracy),
                    ("macro_f1", nil, nil, metrics.macroF1), ("log_loss", nil, nil, metrics.logLoss), ("rows", nil, nil, Double(metrics.total)),
                ]
                for (c, severity) in Self.severities.enumerated() {
                    rows.append(("precision", severity, nil, metrics.precision(c)))
                    rows.append(("recall", severity, nil, metrics.recall(c)))
                    for (a, actual) in Self.severities.enumerated() {
                        rows.append(("confusion", severity, actual, Double(metrics.confusion[a][c])))
                    }
                }
                for (metric, severity, actual, value) in rows {
                    try connection.query(
                        "INSERT INTO accident.model_metrics VALUES (\(model.id), \(predictor), \(split), \(metric), \(severity), \(actual), \(value))")
                }
            }
        }
    }
}
