import Foundation

/// Where to connect. Resolved the way libpq users expect: an explicit URL, else `DATABASE_URL`,
/// else libpq's own PGHOST / PGPORT / PGUSER / PGPASSWORD / PGDATABASE / PGSSLMODE (an empty conninfo
/// makes libpq read those itself).
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// A `postgresql://` URL or a `key=value` conninfo string; empty means the PG* environment.
    public let conninfo: String

    public init(conninfo: String) {
        self.conninfo = conninfo
    }

    public static func resolve(url: String? = nil, environment: [String: String]) -> PostgresConfiguration {
        if let url, !url.isEmpty { return PostgresConfiguration(conninfo: url) }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return PostgresConfiguration(conninfo: url) }
        return PostgresConfiguration(conninfo: "")
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
