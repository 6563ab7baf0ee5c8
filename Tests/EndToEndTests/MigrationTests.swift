import Foundation
import Logging
import Ingestion
import Schema
import Postgres
import TestSupport
import Testing

@Suite struct MigrationTests {
    let database: ScratchDatabase
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    init() throws {
        database = try ScratchDatabase()
    }

    /// A copy of the project's SQL folder whose migrations a test may edit.
    func copiedSQL() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for entry in try FileManager.default.contentsOfDirectory(atPath: Repository.path("sql")) {
            try FileManager.default.copyItem(atPath: Repository.path("sql/\(entry)"), toPath: "\(folder.path)/\(entry)")
        }
        return folder
    }

    @Test func test_migrating_twice_applies_nothing_the_second_time() throws {
        let connection = try database.connect()
        let migrator = try Migrator(sql: SQLFolder(root: Repository.path("sql")), logger: logger)
        let first = try migrator.migrate(connection)
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("sql/migrations")).filter { $0.hasSuffix(".sql") }
        #expect(first == files.sorted())
        #expect(first.first == "0001_ingest.sql")
        #expect(try migrator.migrate(connection).isEmpty)
        let recorded = try connection.query("SELECT count(*) FROM public.schema_migrations").rows[0].decode(Int.self, 0)
        #expect(recorded == migrator.migrations.count)
    }

    @Test func test_edited_applied_migration_is_an_error() throws {
        let folder = try copiedSQL()
        let connection = try database.connect()
        try Migrator(sql: SQLFolder(root: folder.path), logger: logger).migrate(connection)
        let edited = "\(folder.path)/migrations/0002_people.sql"
        try (String(contentsOfFile: edited, encoding: .utf8) + "\n-- an afterthought\n").write(toFile: edited, atomically: true, encoding: .utf8)
        let error = try #require(throws: MigrationError.self) {
            try Migrator(sql: SQLFolder(root: folder.path), logger: logger).migrate(connection)
        }
        #expect(error.description.hasPrefix("migration 0002_people.sql was edited after it was applied"))
    }

    @Test func test_failing_migration_rolls_back_and_is_not_recorded() throws {
        let folder = try copiedSQL()
        try "CREATE TABLE half_done (id int); SELECT 1/0;".write(toFile: "\(folder.path)/migrations/0999_broken.sql", atomically: true, encoding: .utf8)
        let connection = try database.connect()
        let error = try #require(throws: PostgresError.self) { try Migrator(sql: SQLFolder(root: folder.path), logger: logger).migrate(connection) }
        #expect(error.sqlState == "22012")
        #expect(try connection.query("SELECT to_regclass('half_done') IS NULL").rows[0].decode(Bool.self, 0))
        #expect(try connection.query("SELECT count(*) FROM public.schema_migrations WHERE version = 999").rows[0].decode(Int.self, 0) == 0)
    }

    @Test func test_concurrent_migrations_serialise() async throws {
        let configuration = database.configuration
        let sql = SQLFolder(root: Repository.path("sql"))
        let results = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
                    return try Migrator(sql: sql, logger: logger).migrate(try Connection(configuration))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Exactly one migrator applied everything; the others found it done.
        #expect(results.filter { !$0.isEmpty }.count == 1)
        let recorded = try database.connect().query("SELECT count(*) FROM public.schema_migrations").rows[0].decode(Int.self, 0)
        #expect(recorded == results.map(\.count).max())
    }
}
