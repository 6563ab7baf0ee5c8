import CLibPQ

/// How a transaction sees other sessions' commits.
public enum IsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// A transaction that failed in more than one way, or whose COMMIT failed. The errors are kept apart: the
/// body's error, the ROLLBACK's error (the body had failed and the rollback failed too, so the session's state
/// is unknown), or the COMMIT's error (the server did not commit; no ROLLBACK is sent after it).
public struct TransactionError: Error, CustomStringConvertible {
    public let bodyError: (any Error)?
    public let commitError: (any Error)?
    public let rollbackError: (any Error)?

    /// The error that says what went wrong first: the body's, else the commit's.
    public var primary: any Error { bodyError ?? commitError ?? rollbackError! }

    public var description: String {
        if let commitError { return "COMMIT failed: \(commitError)" }
        return "\(primary); and ROLLBACK failed: \(rollbackError.map { "\($0)" } ?? "")"
    }
}

extension Connection {
    /// Runs `body` in a transaction and commits it. When `body` throws, the transaction is rolled back and the
    /// body's error rethrown as is (a `TransactionError` carrying both if the rollback fails too). When COMMIT
    /// fails the server has already ended the transaction: no ROLLBACK follows, and a `TransactionError`
    /// with the commit's error is thrown.
    ///
    /// Inside a transaction already open on this session (a load that scores its batch before it commits),
    /// `body` runs within a savepoint instead: its work commits with the outer transaction, and its failure
    /// undoes only its own work before the error goes on up.
    public func withTransaction<T>(
        isolation: IsolationLevel? = nil, readOnly: Bool = false, _ body: () throws -> T
    ) throws -> T {
        if PQtransactionStatus(handle) == PQTRANS_INTRANS {
            precondition(isolation == nil && !readOnly, "a nested transaction takes the outer one's isolation and access")
            return try withSavepoint(body)
        }
        var begin = "BEGIN"
        if let isolation { begin += " ISOLATION LEVEL \(isolation.rawValue)" }
        if readOnly { begin += " READ ONLY" }
        try execute(script: begin)
        let value: T
        do {
            value = try body()
        } catch {
            do {
                try execute(script: "ROLLBACK")
            } catch let rollbackError {
                throw TransactionError(bodyError: error, commitError: nil, rollbackError: rollbackError)
            }
            throw error
        }
        do {
            // COMMIT of a transaction an error aborted answers ROLLBACK, not an error.
            let tag = try execute(script: "COMMIT").commandTag
            guard tag == "COMMIT" else {
                throw PostgresError(.server, message: "the server answered \(tag) to COMMIT: a statement of the transaction had failed")
            }
        } catch {
            throw TransactionError(bodyError: nil, commitError: error, rollbackError: nil)
        }
        return value
    }

    private func withSavepoint<T>(_ body: () throws -> T) throws -> T {
        try execute(script: "SAVEPOINT pgpipe_nested")
        let value: T
        do {
            value = try body()
        } catch {
            do {
                try execute(script: "ROLLBACK TO SAVEPOINT pgpipe_nested; RELEASE SAVEPOINT pgpipe_nested")
            } catch let rollbackError {
                throw TransactionError(bodyError: error, commitError: nil, rollbackError: rollbackError)
            }
            throw error
        }
        try execute(script: "RELEASE SAVEPOINT pgpipe_nested")
        return value
    }
}
