/// A statement and its bind parameters. Interpolated values become `$1, $2, ...` and travel as parameters, so
/// a value never reaches SQL text by accident:
///
///     try connection.query("SELECT * FROM ingest.runs WHERE dataset = \(name) AND run_id > \(after)")
///
/// Identifiers go through the one quoting function (`\(identifier: "census", "persons")`), and SQL text that
/// is not a literal only when asked for by name (`\(unescaped: text)`, `SQLQuery(unescaped:binds:)`).
public struct SQLQuery: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible {
    public private(set) var sql: String
    /// The parameters' values in Postgres's text format, nil for NULL.
    public private(set) var binds: [String?]

    public init(stringLiteral sql: String) {
        self.sql = sql
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    /// SQL text that already numbers its parameters `$1, $2, ...` (a query read from a file), with their values.
    public init(unescaped sql: String, binds: [(any QueryParameter)?] = []) {
        self.sql = sql
        self.binds = binds.map { $0?.postgresText }
    }

    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + 3 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// A value, sent as the next parameter; nil is NULL.
        public mutating func appendInterpolation(_ value: (any QueryParameter)?) {
            binds.append(value?.postgresText)
            sql += "$\(binds.count)"
        }

        /// A schema-qualified name, each part quoted.
        public mutating func appendInterpolation(identifier parts: String...) {
            sql += Identifier.quoted(parts)
        }

        /// A list of names, each quoted, separated by commas.
        public mutating func appendInterpolation(identifiers names: [String]) {
            sql += names.map { Identifier.quoted($0) }.joined(separator: ", ")
        }

        /// SQL text spliced in as is: only for text the program itself holds, never for input.
        public mutating func appendInterpolation(unescaped text: String) {
            sql += text
        }
    }
}
