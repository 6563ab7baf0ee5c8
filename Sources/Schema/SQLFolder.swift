import Failures
import Foundation
import Postgres

/// A file of the SQL folder that cannot be read: the folder is not the one the program expects.
public struct SQLFileError: FailureDescribing {
    public let path: String
    public var failure: Failure { .configuration }
    public var description: String {
        "\(path): cannot read this SQL file; --sql must name the folder holding migrations/, transforms/ and queries/"
    }
}

/// The product's SQL, kept in files by purpose and read at run time: `transforms/` holds the scripts a
/// dataset runs around its COPY, `queries/` single statements with `$1, $2, ...` parameters. A file may name
/// identifiers as psql does, `:"name"`, filled from `variables` and quoted, so the same file runs in psql
/// (`psql -v name=value -f FILE`).
public struct SQLFolder: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// A script of `transforms/`, for `Connection.execute(script:)`.
    public func transform(_ name: String, variables: [String: String] = [:]) throws -> String {
        try text("transforms/\(name)", variables: variables)
    }

    /// A statement of `queries/` with its parameters' values, in the order of their numbers.
    public func query(
        _ name: String, variables: [String: String] = [:], _ binds: [(any QueryParameter)?] = []
    ) throws -> SQLQuery {
        SQLQuery(unescaped: try text("queries/\(name)", variables: variables), binds: binds)
    }

    /// A file's text, comment lines included, with its identifier variables filled in.
    public func text(_ relativePath: String, variables: [String: String] = [:]) throws -> String {
        let path = "\(root)/\(relativePath)"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw SQLFileError(path: path) }
        return Self.substituting(variables, in: text)
    }

    /// SQL with each psql-style identifier variable (`:"name"`) replaced by its value, quoted.
    public static func substituting(_ variables: [String: String], in text: String) -> String {
        variables.reduce(text) { text, variable in
            text.replacingOccurrences(of: ":\"\(variable.key)\"", with: Identifier.quoted(variable.value))
        }
    }
}
