import Foundation
import Postgres
import TestSupport
import Testing

/// A loopback port whose listener completes TCP handshakes (the kernel does, from the backlog) and never
/// answers: a server that accepts and hangs.
final class SilentServer {
    let port: Int
    private let socketDescriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        socketDescriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socketDescriptor) }
}

/// Connection failures and what they exit with: a server that never answers (69, after a timeout, never a
/// hang), a refused password (77: retrying will not help), a bad setting (78).
@Suite struct ConnectionFailureTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    func environment(_ changes: [String: String], removing: [String] = []) -> [String: String] {
        var environment = database.environment.merging(changes) { $1 }
        for key in removing { environment.removeValue(forKey: key) }
        return environment
    }

    @Test func test_a_server_that_never_answers_times_out_with_69() throws {
        let server = try SilentServer()
        let url = "postgresql://postgres@127.0.0.1:\(server.port)/postgres"
        for (arguments, environment) in [
            (["--database-url", url + "?connect_timeout=1"], self.environment([:], removing: ["PGCONNECT_TIMEOUT"])),
            (["--database-url", url], self.environment(["PGCONNECT_TIMEOUT": "1"])),
            (["--database-url", url], self.environment([:], removing: ["PGCONNECT_TIMEOUT"])),  // the default, 10 s
        ] {
            let started = Date()
            let run = try runTool("ingest", ["migrate"] + arguments, environment: environment)
            #expect(run.status == 69, "\(run.stderr)")
            #expect(run.stderr.contains("timeout expired"), "\(run.stderr)")
            #expect(Date().timeIntervalSince(started) < 60, "it ended on its own")
        }
        let summary = try runTool("summary", ["--database-url", url, "--output", folder.path], environment: environment(["PGCONNECT_TIMEOUT": "1"]))
        #expect(summary.status == 69)
    }

    @Test func test_authentication_failures_exit_77_and_bad_settings_78() throws {
        // The test server asks members of pgpipe_password_login for a password over TCP (scripts/local-db).
        let admin = try database.connect()
        let role = "pgpipe_pw_\(UInt32.random(in: 0...UInt32.max))"
        try admin.execute(script: "DO $$ BEGIN CREATE ROLE pgpipe_password_login NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        try admin.execute(script: "CREATE ROLE \(role) LOGIN PASSWORD 'right-password' IN ROLE pgpipe_password_login")
        defer { _ = try? admin.execute(script: "DROP ROLE \(role)") }
        let wrong = try folder.write("wrong", "wrong-password\n")
        for (name, changes) in [
            ("wrong password", ["PGUSER": role, "DATABASE_PASSWORD_FILE": wrong]),
            ("no password", ["PGUSER": role]),
            ("no such role", ["PGUSER": "no_such_role_at_all"]),
        ] {
            let run = try runTool("ingest", ["migrate"], environment: environment(changes, removing: ["PGPASSWORD"]))
            #expect(run.status == 77, "\(name): \(run.stderr)")
            let summary = try runTool("summary", ["--output", folder.path], environment: environment(changes, removing: ["PGPASSWORD"]))
            #expect(summary.status == 77, "\(name): \(summary.stderr)")
        }
        // The same role with its right password connects: the failures above were the password's.
        let connected = try Connection(PostgresConfiguration(conninfo: "dbname=\(database.name) user=\(role)", password: "right-password"))
        #expect(try connected.query("SELECT current_user::text").rows[0].decode(String.self, 0) == role)
        for (name, changes) in [
            ("sslmode=bogus", ["PGSSLMODE": "bogus"]),
            ("missing password file", ["DATABASE_PASSWORD_FILE": "\(folder.path)/absent"]),
            ("no such database", ["PGDATABASE": "no_such_database_here"]),
        ] {
            let run = try runTool("ingest", ["migrate"], environment: environment(changes))
            #expect(run.status == 78, "\(name): \(run.stderr)")
        }
        let url = try runTool("ingest", ["migrate", "--database-url", "postgresql://127.0.0.1/x?sslmode=bogus"], environment: database.environment)
        #expect(url.status == 78, "\(url.stderr)")
        #expect(url.stderr.contains("invalid sslmode value"), "\(url.stderr)")
        let missing = try runTool("ingest", ["migrate"], environment: environment(["DATABASE_PASSWORD_FILE": "\(folder.path)/absent"]))
        #expect(missing.stderr.contains("\(folder.path)/absent"), "the path is named: \(missing.stderr)")
    }
}
