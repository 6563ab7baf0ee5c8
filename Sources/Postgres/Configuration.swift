import Failures
import Foundation

/// Where to connect. Resolved the way libpq users expect: an explicit URL, else `DATABASE_URL`,
/// else libpq's own PGHOST / PGPORT / PGUSER / PGPASSWORD / PGDATABASE / PGSSLMODE (an empty conninfo
/// makes libpq read those itself). A password can come from a file named by `DATABASE_PASSWORD_FILE` (a
/// mounted secret), so that it is in neither the URL nor the environment.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// A `postgresql://` URL or a `key=value` conninfo string; empty means the PG* environment.
    public let conninfo: String
    /// Overrides any password of the conninfo; never printed.
    public let password: String?

    public init(conninfo: String, password: String? = nil) {
        self.conninfo = conninfo
        self.password = password
    }

    public static func resolve(url: String? = nil, environment: [String: String]) throws -> PostgresConfiguration {
        let conninfo = [url, environment["DATABASE_URL"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        guard let file = environment["DATABASE_PASSWORD_FILE"], !file.isEmpty else {
            return PostgresConfiguration(conninfo: conninfo)
        }
        return PostgresConfiguration(conninfo: conninfo, password: try readSecret(file))
    }

    /// A secret file's content without its final line break, as Docker and Kubernetes mount them.
    public static func readSecret(_ path: String) throws -> String {
        // A secret file that is missing or unreadable is a setting to fix, not an input to retry.
        guard let kind = FileKind.at(path) else { throw ConfigurationError("\(path): no such secret file") }
        // Read only a regular file: a FIFO without a writer would hang the read.
        guard kind == .regular else { throw ConfigurationError("\(path): the secret file is \(kind.phrase), not a regular file") }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigurationError("\(path): cannot read the secret file (not readable, or not UTF-8)")
        }
        let secret = text.hasSuffix("\r\n") ? String(text.dropLast(2)) : text.hasSuffix("\n") ? String(text.dropLast()) : text
        guard !secret.isEmpty else { throw ConfigurationError("\(path): the secret file is empty") }
        return secret
    }

    /// The conninfo with any password replaced, safe for logs and error lines.
    public var description: String {
        if conninfo.isEmpty { return "the PG* environment" }
        return Self.redactingPassword(conninfo)
    }

    static func redactingPassword(_ conninfo: String) -> String {
        if let scheme = conninfo.range(of: "://") {
            // postgresql://user:secret@host/db → postgresql://user:***@host/db
            let rest = conninfo[scheme.upperBound...]
            guard let at = rest.firstIndex(of: "@"),
                let colon = rest[..<at].firstIndex(of: ":")
            else { return conninfo.replacingPasswordParameter() }
            return (conninfo[..<rest.index(after: colon)] + "***" + conninfo[at...]).replacingPasswordParameter()
        }
        return conninfo.replacingPasswordParameter()
    }
}

extension String {
    /// `password=secret` (conninfo or URL query) → `password=***`.
    fileprivate func replacingPasswordParameter() -> String {
        guard let range = self.range(of: "password=") else { return self }
        let end = self[range.upperBound...].firstIndex(where: { $0 == " " || $0 == "&" }) ?? endIndex
        return String(self[..<range.upperBound]) + "***" + self[end...]
    }
}
