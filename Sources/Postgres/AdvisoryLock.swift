extension Connection {
    /// Holds a session advisory lock named `name` while `body` runs, so that two processes doing the same
    /// thing (migrating, loading one dataset) take turns. The name is hashed to the lock's 64-bit key.
    public func withAdvisoryLock<T>(_ name: String, _ body: () throws -> T) throws -> T {
        try query("SELECT pg_advisory_lock(hashtextextended(\(name), 0))")
        defer { _ = try? query("SELECT pg_advisory_unlock(hashtextextended(\(name), 0))") }
        return try body()
    }

    /// Takes the advisory lock named `name` until the current transaction ends.
    public func lockForTransaction(_ name: String) throws {
        try query("SELECT pg_advisory_xact_lock(hashtextextended(\(name), 0))")
    }
}
