extension Connection {
    /// Holds a session advisory lock named `name` while `body` runs, so that two processes doing the same
    /// thing (migrating, loading one dataset) take turns. The name is hashed to the lock's 64-bit key.
    public func withAdvisoryLock<T>(_ name: String, _ body: () throws -> T) throws -> T {
        try query("SELECT pg_advisory_lock(hashtextextended(\(name), 0))")
        defer { _ = try? query("SELECT pg_advisory_unlock(hashtextextended(\(name), 0))") }
        return try body()
    }

    /// Takes the advisory lock named `name` until the current transaction ends; a shared lock lets other
    /// shared holders in and keeps exclusive ones out.
    public func lockForTransaction(_ name: String, shared: Bool = false) throws {
        try query(shared
            ? "SELECT pg_advisory_xact_lock_shared(hashtextextended(\(name), 0))"
            : "SELECT pg_advisory_xact_lock(hashtextextended(\(name), 0))")
    }
}
