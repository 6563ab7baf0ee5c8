import Foundation

/// The census income model's contract: the inputs a record gives it, which the scorer reads from
/// census.persons, census.predictions keeps, the performance tracker buckets and serve asks for. The model
/// itself is an XGBoost file, in XGBoost's own format (`XGBoostModel`).
public enum CensusIncomeModel {
    /// In census.predictions' column order.
    public static let inputs = ["age", "sex", "marital_stat", "education", "tax_filer_stat"]
    /// The inputs read as numbers; the others are categories, one-hot coded.
    public static let numericInputs = ["age"]
    public static var categoricalInputs: [String] { inputs.filter { !numericInputs.contains($0) } }
}

/// The accident-severity model as ml.models keeps it (`definition`): written by the trainer, read by serve,
/// and read in SQL by the coefficients report. Its inputs and classes are also what the model card shows.
public struct AccidentSeverityModel: Codable, Sendable {
    /// The DfT attributes a record gives, each a code (a lookup table of accident's schema).
    public static let inputs = [
        "police_force", "officer_attended", "light_conditions", "weather_conditions", "road_surface_conditions",
        "special_conditions_at_site", "carriageway_hazards", "urban_or_rural_area",
    ]
    /// The severities in class order: the DfT code and its name.
    public static let severities: [(code: Int, name: String)] = [(1, "fatal"), (2, "serious"), (3, "slight")]

    /// The name of a severity code, the code itself for one the model does not know.
    public static func name(ofSeverity code: Int) -> String {
        severities.first { $0.code == code }?.name ?? String(code)
    }

    public var kind = "multinomial logistic regression, L2 C=1, balanced class weights"
    /// The severity code of each class.
    public var classes: [Int]
    /// `input=code` for each one-hot feature, in coefficient order.
    public var features: [String]
    /// Per class, a coefficient per feature.
    public var coefficients: [[Double]]
    public var intercepts: [Double]
    public var classWeights: [Double]?
    public var seed: Int?
    public var testShare: Double?
    /// The sha256 of the files the model was trained on.
    public var trainingData: String?

    enum CodingKeys: String, CodingKey {
        case kind, classes, features, coefficients, intercepts, seed
        case classWeights = "class_weights", testShare = "test_share", trainingData = "training_data"
    }

    public init(_ model: LogisticRegression, features: [String], classWeights: [Double], seed: Int, testShare: Double, trainingData: String) {
        classes = Self.severities.map(\.code)
        self.features = features
        coefficients = (0..<model.classCount).map { c in Array(model.coefficients[(c * model.featureCount)..<((c + 1) * model.featureCount)]) }
        intercepts = model.intercepts
        self.classWeights = classWeights
        self.seed = seed
        self.testShare = testShare
        self.trainingData = trainingData
    }

    /// A stored definition read back.
    public init(json: Data) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: json)
        } catch {
            throw ModelError(description: "not an accident severity model: \(error)")
        }
    }

    /// The definition as stored: JSON with its keys sorted.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The model that scores with it.
    public func model() throws -> LogisticRegression {
        try LogisticRegression(
            classCount: classes.count, featureCount: features.count, coefficients: coefficients.flatMap { $0 }, intercepts: intercepts)
    }
}
