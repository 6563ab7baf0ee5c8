import Crypto
import Failures
import Foundation
import Logging
import Postgres
import Schema

/// Why migrations cannot be applied: the database and the migration files disagree. The run stops before
/// loading anything.
public struct MigrationError: FailureDescribing {
    public let description: String
    public var failure: Failure { .configuration }
}

/// Applies the numbered SQL files of `migrations/` (`0001_ingest.sql`, ...) in order, each in its own transaction,
/// recording its sha256 in `public.schema_migrations`. Applied files are skipped; an applied file whose
/// content changed is an error, since the database no longer matches the file. Concurrent migrators take
/// turns on an advisory lock.
public struct Migrator {
    public struct Migration {
        public let version: Int
        public let name: String
        public let sql: String
        public var checksum: String { SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined() }
    }

    public let migrations: [Migration]
    let sql: SQLFolder
    let logger: Logger

    public init(sql: SQLFolder, logger: Logger) throws {
        let directory = "\(sql.root)/migrations"
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }
        } catch {
            throw InputError(path: directory, reason: "cannot list the migrations folder")
        }
        migrations = try files.map { file in
            guard let version = Int(file.prefix { $0.isNumber }), file.first?.isNumber == true else {
                throw MigrationError(description: "\(directory)/\(file): a migration's name must start with its number")
            }
            let path = "\(directory)/\(file)"
            guard let sql = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InputError(path: path, reason: "cannot read the migration as UTF-8")
            }
            return Migration(version: version, name: file, sql: sql)
        }.sorted { $0.version < $1.version }
        if let clash = zip(migrations, migrations.dropFirst()).first(where: { $0.version == $1.version }) {
            throw MigrationError(description: "migrations \(clash.0.name) and \(clash.1.name) share number \(clash.0.version)")
        }
        self.sql = sql
        self.logger = logger
    }

    /// Applies what is missing; returns the names applied by this call. A database that is up to date is
    /// only read, so a service role without DDL rights can check it before every load.
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [String] {
        let missing = try pending(connection)
        if missing.isEmpty { return [] }
        do {
            return try apply(connection)
        } catch let error as PostgresError where error.sqlState == "42501" {
            throw MigrationError(description: "the database lacks migration \(missing[0].name) and this role may not apply it (\(error.message)); run `ingest migrate` as the database's administrator")
        }
    }

    private func apply(_ connection: Connection) throws -> [String] {
        try connection.withAdvisoryLock("pgpipe:migrations") {
            try connection.execute(script: try sql.text("queries/schema_migrations.sql"))
            var appliedNow: [String] = []
            for migration in try pending(connection) {
                try connection.withTransaction {
                    try connection.execute(script: migration.sql)
                    try connection.query(
                        "INSERT INTO public.schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))")
                    // Objects a migration creates belong to whoever applied it until they are handed over.
                    if try connection.query("SELECT to_regprocedure('ingest.apply_privileges()') IS NOT NULL").rows[0].decode(Bool.self, 0) {
                        try connection.execute(script: "CALL ingest.apply_privileges()")
                    }
                }
                logger.debug("applied migration \(migration.name)")
                appliedNow.append(migration.name)
            }
            if !appliedNow.isEmpty { logger.info("applied migrations \(appliedNow.joined(separator: ", "))") }
            return appliedNow
        }
    }

    /// The migrations the database lacks, in order; an applied one whose file changed is an error.
    public func pending(_ connection: Connection) throws -> [Migration] {
        var applied: [Int: String] = [:]
        let table = try connection.query("SELECT to_regclass('public.schema_migrations') IS NOT NULL").rows[0].decode(Bool.self, 0)
        if table {
            for row in try connection.query("SELECT version, checksum FROM public.schema_migrations").rows {
                applied[try row.decode(Int.self, 0)] = try row.decode(String.self, 1)
            }
        }
        return try migrations.filter { migration in
            guard let checksum = applied[migration.version] else { return true }
            guard checksum == migration.checksum else {
                throw MigrationError(description: "migration \(migration.name) was edited after it was applied (database has sha256 \(checksum.prefix(12))…, file has \(migration.checksum.prefix(12))…); add a new migration instead")
            }
            return false
        }
    }
}
