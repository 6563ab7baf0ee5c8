import Crypto
import Foundation
import Postgres

/// A model as `ml.models` records it.
public struct RegisteredModel: Sendable {
    public let id: Int
    public let name: String
    public let version: Int
    public let sha256: String
    public let threshold: Double
}

/// Registers model files in `ml.models` and reads them back for scoring.
public struct ModelRegistry {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Registers the XGBoost JSON file at `path` under `name`: the same file again returns its existing row,
    /// a different file becomes the name's next version.
    public func registerXGBoost(name: String, path: String) throws -> (RegisteredModel, XGBoostModel) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, reason: "cannot read the model file")
        }
        let model = try XGBoostModel(json: data)
        let sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path: path, reason: "the model file is not UTF-8 JSON")
        }
        let registered = try connection.transaction {
            try connection.lockForTransaction("pgpipe:models")
            if let existing = try find("sha256 = $1", [sha256]) { return existing }
            try connection.query(
                """
                INSERT INTO ml.models (name, version, kind, sha256, feature_names, definition, source_file)
                SELECT $1, coalesce(max(version), 0) + 1, 'xgboost', $2, $3::text[], $4::json, $5
                FROM ml.models WHERE name = $1
                """, [name, sha256, Self.arrayLiteral(model.featureNames), text, path])
            return try find("sha256 = $1", [sha256])!
        }
        return (registered, model)
    }

    /// The latest version of `name`, or the given version, with its model.
    public func loadXGBoost(name: String, version: Int? = nil) throws -> (RegisteredModel, XGBoostModel) {
        let found = try version.map { try find("name = $1 AND version = $2", [name, $0]) }
            ?? find("name = $1 ORDER BY version DESC LIMIT 1", [name])
        guard let found else {
            throw ModelError(description: "no model \(name)\(version.map { " version \($0)" } ?? "") is registered")
        }
        let text = try connection.query("SELECT definition::text FROM ml.models WHERE model_id = $1", [found.id]).rows[0]
        return (found, try XGBoostModel(json: Data(try text.decode(String.self, 0).utf8)))
    }

    private func find(_ condition: String, _ parameters: [(any QueryParameter)?]) throws -> RegisteredModel? {
        try connection.query(
            "SELECT model_id, name, version, sha256, threshold FROM ml.models WHERE \(condition)", parameters
        ).rows.first.map {
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
