import Crypto
import Foundation
import Postgres
import Failures
import Schema
import Scoring

/// A model as `ml.models` records it.
public struct RegisteredModel: Sendable {
    public let id: Int
    public let name: String
    public let version: Int
    public let sha256: String
    public let threshold: Double
}

/// An XGBoost JSON model file, read and parsed, so that a command can check it before it changes anything.
public struct XGBoostFile {
    public let path: String
    let text: String
    public let model: XGBoostModel

    public init(path: String) throws {
        guard FileKind.at(path) == .regular, let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, reason: FileKind.at(path).map { "cannot read the model file (\($0.phrase))" } ?? "no such model file")
        }
        model = try XGBoostModel(json: data)
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path: path, reason: "the model file is not UTF-8 JSON")
        }
        self.path = path
        self.text = text
    }
}

/// Registers model files in `ml.models` and reads them back for scoring.
public struct ModelRegistry {
    let connection: Connection
    let sql: SQLFolder

    public init(connection: Connection, sql: SQLFolder) {
        self.connection = connection
        self.sql = sql
    }

    /// Registers the XGBoost JSON file at `path` under `name`: the same file again returns its existing row,
    /// a different file becomes the name's next version.
    public func registerXGBoost(name: String, path: String) throws -> (RegisteredModel, XGBoostModel) {
        try register(try XGBoostFile(path: path), name: name)
    }

    /// Registers a model file read (and checked) earlier.
    public func register(_ file: XGBoostFile, name: String) throws -> (RegisteredModel, XGBoostModel) {
        let registered = try register(
            name: name, kind: "xgboost", definition: file.text, featureNames: file.model.featureNames, sourceFile: file.path,
            referenceBatch: nil)
        return (registered, file.model)
    }

    /// Registers a model given as JSON text: the same text again returns its existing row, other text becomes
    /// the name's next version.
    public func register(
        name: String, kind: String, definition: String, featureNames: [String], sourceFile: String?, referenceBatch: String?
    ) throws -> RegisteredModel {
        let sha256 = SHA256.hash(data: Data(definition.utf8)).map { String(format: "%02x", $0) }.joined()
        return try connection.withTransaction {
            try connection.lockForTransaction("pgpipe:models")
            if let existing = try find(sha256: sha256) { return existing }
            try connection.query(try sql.query(
                "models/register.sql",
                [name, kind, sha256, Self.arrayLiteral(featureNames), definition, sourceFile, referenceBatch]))
            guard let registered = try find(sha256: sha256) else {
                throw ModelError(description: "model \(name) was registered but cannot be read back")
            }
            return registered
        }
    }

    /// The latest version of `name`, or the given version, with its model.
    public func loadXGBoost(name: String, version: Int? = nil) throws -> (RegisteredModel, XGBoostModel) {
        let found = try first(of: "\(unescaped: Self.columns) WHERE name = \(name) AND (\(version)::integer IS NULL OR version = \(version)) ORDER BY version DESC LIMIT 1")
        guard let found else {
            throw ModelError(description: "no model \(name)\(version.map { " version \($0)" } ?? "") is registered")
        }
        let text = try connection.query("SELECT definition::text FROM ml.models WHERE model_id = \(found.id)").rows[0]
        return (found, try XGBoostModel(json: Data(try text.decode(String.self, 0).utf8)))
    }

    private static let columns = "SELECT model_id, name, version, sha256, threshold FROM ml.models"

    private func find(sha256: String) throws -> RegisteredModel? {
        try first(of: "\(unescaped: Self.columns) WHERE sha256 = \(sha256)")
    }

    private func first(of query: SQLQuery) throws -> RegisteredModel? {
        try connection.query(query).rows.first.map {
            RegisteredModel(
                id: try $0.decode(Int.self, 0), name: try $0.decode(String.self, 1), version: try $0.decode(Int.self, 2),
                sha256: try $0.decode(String.self, 3), threshold: try $0.decode(Double.self, 4))
        }
    }

    /// A Postgres array literal of text elements, every element quoted.
    static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
