import Foundation
import CLibPQ

/// One error type for everything the wrapper does: the server's diagnostic fields are kept as sent,
/// and the description never contains a password (libpq's messages never do, and we add none).
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached, did not answer in time, or the connection was lost.
        case connection
        /// The server refused who we are: a wrong or missing password, no pg_hba.conf entry, no such role.
        /// Trying again will not help.
        case authentication
        /// The connection settings themselves are wrong (`sslmode=bogus`, an unknown option, a malformed
        /// URL, a database that does not exist). Trying again will not help.
        case configuration
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// The value could not be turned into the Swift type asked for.
        case decoding
        /// The caller asked for something the wrapper cannot do (a NUL in a parameter, ...).
        case usage
    }

    public let kind: Kind
    public let sqlState: String?
    public let message: String
    public let detail: String?
    public let hint: String?
    /// 1-based character position in the statement, when the server points at one.
    public let position: Int?

    public init(
        _ kind: Kind, message: String, sqlState: String? = nil,
        detail: String? = nil, hint: String? = nil, position: Int? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.position = position
    }

    /// The diagnostic fields of a failed result.
    init(result: OpaquePointer) {
        func field(_ code: CLibPQDiagnosticField) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.rawValue)) else { return nil }
            return String(cString: value)
        }
        let primary = field(CLibPQDiagMessagePrimary) ?? Self.trimmed(PQresultErrorMessage(result))
        let sqlState = field(CLibPQDiagSQLState)
        self.init(
            Self.endsTheSession(sqlState) ? .connection : .server, message: primary, sqlState: sqlState,
            detail: field(CLibPQDiagMessageDetail), hint: field(CLibPQDiagMessageHint),
            position: field(CLibPQDiagStatementPosition).flatMap { Int($0) })
    }

    /// SQLSTATEs that say the session is gone, whatever the statement was: class 08 (connection exception)
    /// and the server shutting down or not yet accepting work (57P01 admin_shutdown, 57P02 crash_shutdown,
    /// 57P03 cannot_connect_now). libpq may hand one over as a statement's result before it has seen the
    /// socket close, so its connection status alone does not tell.
    static func endsTheSession(_ sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// The connection's last error, for failures that produce no result (connecting, COPY data).
    init(_ kind: Kind, connection: OpaquePointer?) {
        self.init(kind, message: Self.trimmed(PQerrorMessage(connection)))
    }

    /// A failed connection attempt, told apart by libpq's own words (it gives no SQLSTATE for these):
    /// settings it refuses before connecting, authentication the server refuses, else unreachable.
    init(connectionFailure connection: OpaquePointer) {
        let message = Self.trimmed(PQerrorMessage(connection))
        let kind: Kind
        if PQconnectionNeedsPassword(connection) != 0
            || Self.authenticationFailures.contains(where: message.contains)
            || (message.contains("role \"") && message.contains("does not exist")) {
            kind = .authentication
        } else if message.hasPrefix("invalid ") || Self.settingFailures.contains(where: message.contains)
            || (message.contains("database \"") && message.contains("does not exist")) {
            kind = .configuration
        } else {
            kind = .connection
        }
        self.init(kind, message: message)
    }

    /// libpq's and the server's English words for a refusal of who we are (SQLSTATE 28xxx, and 42501 for a
    /// database without CONNECT). A server answering in another language falls back to "unreachable".
    static let authenticationFailures = [
        "authentication failed", "no password supplied", "no pg_hba.conf entry", "pg_hba.conf rejects connection",
        "is not permitted to log in", "permission denied for database",
    ]
    /// Settings libpq refuses before or while connecting, that no retry will fix.
    static let settingFailures = [
        "for connection option", "invalid connection option", "connection info string", "invalid URI", "invalid sslmode",
        "server does not support SSL, but SSL was required", "root certificate file", "could not read certificate",
        "could not load private key",
    ]

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        let text = String(cString: message)
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingPrefix("ERROR:").trimmingCharacters(in: .whitespaces) }
            .joined(separator: "; ")
        return text.isEmpty ? "unknown libpq error" : text
    }

    /// The resolver could not look the host up for now (getaddrinfo's EAI_AGAIN, in glibc's words): asking
    /// again may succeed, where an unknown host or a refused connection would fail the same way.
    public var isTemporaryLookupFailure: Bool {
        kind == .connection && message.contains("Temporary failure in name resolution")
    }

    /// libpq could not look the host up, for now or (in the resolver's words) for good: "could not translate
    /// host name", glibc's EAI_AGAIN, EAI_NONAME or EAI_NODATA.
    public var isLookupFailure: Bool {
        kind == .connection && message.contains("could not translate host name")
    }

    /// The server refused the data itself (SQLSTATE class 22, data exception, or 23, integrity constraint
    /// violation): sending the same rows again fails again.
    public var isDataError: Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("22") || sqlState.hasPrefix("23")
    }

    public var description: String {
        var text = sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message
        if let detail { text += "; detail: \(detail)" }
        if let hint { text += "; hint: \(hint)" }
        if let position { text += "; at character \(position)" }
        return text
    }
}
