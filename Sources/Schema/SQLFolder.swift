import Failures
import Foundation
import Postgres

/// A file of the SQL folder that cannot be read, or does not take what the program gives it: the folder is
/// not the one the program expects.
public struct SQLFileError: FailureDescribing {
    public let path: String
    /// What is wrong with a file that was read; nil for one that could not be.
    public var problem: String? = nil
    public var failure: Failure { .configuration }
    public var description: String {
        guard let problem else {
            return "\(path): cannot read this SQL file; --sql must name the folder holding migrations/, transforms/ and queries/"
        }
        return "\(path): \(problem); is --sql the folder of this version of pgpipe?"
    }
}

/// The product's SQL, kept in files by purpose and read at run time: `transforms/` holds the scripts a
/// dataset runs around its COPY, `queries/` single statements with `$1, $2, ...` parameters. A file may name
/// identifiers as psql does, `:"name"`, filled from `variables` and quoted, and take fragments of SQL the
/// program writes, `:name`, as they are, so the same file runs in psql (`psql -v name=value -f FILE`).
public struct SQLFolder: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// A script of `transforms/`, for `Connection.execute(script:)`.
    public func transform(_ name: String, variables: [String: String] = [:]) throws -> String {
        try text("transforms/\(name)", variables: variables)
    }

    /// A statement of `queries/` with its parameters' values, in the order of their numbers: as many as the
    /// statement's highest `$n`, checked when it is read, so an edited file fails at once and by name rather
    /// than with the server's words about a parameter.
    public func query(
        _ name: String, variables: [String: String] = [:], fragments: [String: String] = [:], _ binds: [(any QueryParameter)?] = []
    ) throws -> SQLQuery {
        let path = "queries/\(name)"
        var text = try text(path, variables: variables)
        for (name, fragment) in fragments { text = Self.filling(name, with: fragment, in: text) }
        let parameters = Self.parameterCount(text)
        guard parameters == binds.count else {
            throw SQLFileError(path: "\(root)/\(path)", problem: "the statement takes \(parameters) parameters, the program gives \(binds.count)")
        }
        return SQLQuery(unescaped: text, binds: binds)
    }

    /// `text` with each `:name` replaced by `fragment`, as psql reads a variable: not a cast (`::name`), and not
    /// the head of a longer name (`:name_sets`).
    static func filling(_ name: String, with fragment: String, in text: String) -> String {
        let pattern = "(?<!:):\(NSRegularExpression.escapedPattern(for: name))(?![A-Za-z0-9_])"
        // The pattern is a literal name between fixed assertions, so it always compiles.
        let expression = try! NSRegularExpression(pattern: pattern)
        return expression.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: NSRegularExpression.escapedTemplate(for: fragment))
    }

    /// The highest `$n` of a statement, outside its comments, string literals, quoted identifiers and
    /// dollar-quoted bodies.
    static func parameterCount(_ text: String) -> Int {
        let bytes = Array(text.utf8)
        var highest = 0, index = 0
        func skip(past terminator: [UInt8], from start: Int) -> Int {
            var at = start
            while at + terminator.count <= bytes.count, !bytes[at..<(at + terminator.count)].elementsEqual(terminator) { at += 1 }
            return at + terminator.count
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
                index = skip(past: [UInt8(ascii: "\n")], from: index)
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                index = skip(past: Array("*/".utf8), from: index + 2)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // A doubled quote inside ends one literal and begins the next: the same to a counter.
                index = skip(past: [byte], from: index + 1)
            case UInt8(ascii: "$"):
                var end = index + 1
                while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
                if end > index + 1 {
                    highest = max(highest, Int(String(decoding: bytes[(index + 1)..<end], as: UTF8.self)) ?? 0)
                    index = end
                    continue
                }
                // A dollar quote: $$ or $tag$, up to the same again.
                while end < bytes.count, bytes[end] == UInt8(ascii: "_") || (bytes[end] | 0x20 >= UInt8(ascii: "a") && bytes[end] | 0x20 <= UInt8(ascii: "z")) { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: "$") {
                    index = skip(past: Array(bytes[index...end]), from: end + 1)
                } else {
                    index += 1
                }
            default:
                index += 1
            }
        }
        return highest
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
