import Foundation
import Postgres

/// A database of its own for one test, created on the server that the test command started (found through
/// the PG* environment, as libpq does) and dropped when the test is done with it.
public final class ScratchDatabase {
    public let name: String
    public let configuration: PostgresConfiguration

    public init(_ label: String = #function) throws {
        let slug = label.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }.prefix(30)
        name = "t_\(slug)_\(UInt32.random(in: 0...UInt32.max))"
        configuration = PostgresConfiguration(conninfo: "dbname=\(name)")
        try Self.admin().query("CREATE DATABASE \(identifier: name)")
    }

    deinit {
        _ = try? Self.admin().query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
    }

    public func connect() throws -> Connection {
        try Connection(configuration)
    }

    /// Connects as one of the service roles (`pgpipe_ingest`, `pgpipe_summary`) the migrations create.
    public func connect(as role: String) throws -> Connection {
        try Connection(PostgresConfiguration(conninfo: "dbname=\(name) user=\(role)"))
    }

    /// The environment a child process (the `ingest` or `summary` binary) needs to reach this database.
    public var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGDATABASE"] = name
        environment.removeValue(forKey: "DATABASE_URL")
        return environment
    }

    /// The same, logging in as `role`.
    public func environment(as role: String) -> [String: String] {
        environment.merging(["PGUSER": role]) { $1 }
    }

    static func admin() throws -> Connection {
        do {
            return try Connection(PostgresConfiguration(conninfo: "dbname=postgres"))
        } catch {
            throw PostgresError(
                .connection,
                message: "tests need a Postgres server in the PG* environment; run them with scripts/test (\(error))")
        }
    }
}
