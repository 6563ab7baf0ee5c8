import CLibPQ
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Connection {
    /// Sets a role's password. libpq hashes it here with the server's `password_encryption` (SCRAM-SHA-256
    /// by default), so only the verifier crosses the wire and lands in the server's log or statistics.
    public func setPassword(role: String, password: String) throws {
        guard let verifier = PQencryptPasswordConn(handle, password, role, nil) else {
            throw PostgresError(.usage, message: "cannot hash the password of \(role): \(String(cString: PQerrorMessage(handle)))")
        }
        defer { PQfreemem(verifier) }
        // ALTER ROLE takes no parameters; the verifier is base64 and punctuation, quoted as a literal anyway.
        let literal = "'" + String(cString: verifier).replacingOccurrences(of: "'", with: "''") + "'"
        try query("ALTER ROLE \(identifier: role) PASSWORD \(unescaped: literal)")
    }
}
