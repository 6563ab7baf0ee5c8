import Failures
import Foundation
import Postgres
import TestSupport
import Testing

/// Least privilege: the migrations hand the schema to pgpipe_owner, pgpipe_ingest writes rows but cannot
/// change the schema, pgpipe_summary only reads, and the services do their work logged in as those roles.
@Suite struct PrivilegeTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    let peopleData = Repository.path("data")
    /// The product's schemas, as a SQL list.
    static let schemas = "('ingest', 'people', 'census', 'ml', 'accident')"

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
        let migrate = try runTool("ingest", ["migrate", "--log-level", "error"], environment: database.environment)
        #expect(migrate.status == 0, "\(migrate.stderr)")
    }

    func loadPeople(as role: String) throws -> ToolRun {
        try runTool(
            "ingest", ["load", "people", "--data-dir", peopleData, "--rejects", "\(folder.path)/rejects.jsonl", "--quiet"],
            environment: database.environment(as: role))
    }

    /// Every table of the product's schemas.
    func productTables() throws -> [String] {
        try database.connect().query("""
            SELECT c.oid::regclass::text FROM pg_class c
            WHERE c.relkind IN ('r', 'p') AND c.relnamespace::regnamespace::text IN \(unescaped: Self.schemas)
            ORDER BY 1
            """).rows.map { try $0.decode(String.self, 0) }
    }

    /// The SQLSTATE a statement fails with, or nil when it succeeds.
    func failure(_ connection: Connection, _ sql: String) -> String? {
        do {
            try connection.execute(script: sql)
            return nil
        } catch let error as PostgresError {
            return error.sqlState ?? "no SQLSTATE: \(error)"
        } catch {
            return "\(error)"
        }
    }

    @Test func test_every_object_belongs_to_the_owner_role() throws {
        let strays = try database.connect().query("""
            SELECT c.oid::regclass::text || ' (' || pg_get_userbyid(c.relowner) || ')' FROM pg_class c
            WHERE c.relnamespace::regnamespace::text IN \(unescaped: Self.schemas)
              AND pg_get_userbyid(c.relowner) <> 'pgpipe_owner'
            UNION ALL
            SELECT p.oid::regprocedure::text FROM pg_proc p
            WHERE p.pronamespace::regnamespace::text IN \(unescaped: Self.schemas)
              AND pg_get_userbyid(p.proowner) <> 'pgpipe_owner'
            """).rows.map { try $0.decode(String.self, 0) }
        #expect(strays == [])
        #expect(try productTables().count > 50)
    }

    @Test func test_summary_role_reads_every_report_and_cannot_write_anything() throws {
        #expect(try loadPeople(as: "pgpipe_ingest").status == 0)
        let reports = try runTool(
            "summary", ["--output", folder.path, "--log-level", "error"], environment: database.environment(as: "pgpipe_summary"))
        #expect(reports.status == 0, "\(reports.stderr)")
        let expected = try Data(contentsOf: URL(fileURLWithPath: Repository.path("data/sample_output.json")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/summary_output.json")) == expected)

        let summary = try database.connect(as: "pgpipe_summary")
        for table in try productTables() {
            for statement in ["DELETE FROM \(table)", "TRUNCATE \(table)", "INSERT INTO \(table) DEFAULT VALUES", "ALTER TABLE \(table) ADD COLUMN x int"] {
                #expect(["42501"].contains(failure(summary, statement)), "pgpipe_summary ran: \(statement)")
            }
        }
        #expect(failure(summary, "UPDATE people.people SET given_name = 'x'") == "42501")
        #expect(failure(summary, "CREATE TABLE people.extra (x int)") == "42501")
        #expect(failure(summary, "CREATE TABLE public.extra (x int)") == "42501")
        #expect(failure(summary, "CREATE TEMPORARY TABLE scratch (x int)") == "42501")
        #expect(failure(summary, "SELECT ingest.begin_replacement('{people.people}')") == "42501")
        #expect(try database.connect().query("SELECT count(*) FROM people.people").rows[0].decode(Int.self, 0) == 10_000)
    }

    @Test func test_serve_role_reads_the_models_and_nothing_else() throws {
        let serve = try database.connect(as: "pgpipe_serve")
        for statement in ["SELECT * FROM ml.models", "SELECT * FROM census.model_performance", "SELECT * FROM accident.model_metrics",
                          "SELECT code, label FROM accident.police_force"] {
            #expect(failure(serve, statement) == nil, "pgpipe_serve may not: \(statement)")
        }
        for statement in ["SELECT * FROM people.people", "SELECT * FROM census.persons", "SELECT * FROM ingest.runs",
                          "DELETE FROM ml.models", "UPDATE ml.models SET threshold = 0.9", "CREATE TABLE ml.extra (x int)",
                          "CREATE TEMPORARY TABLE scratch (x int)"] {
            #expect(failure(serve, statement) == "42501", "pgpipe_serve ran: \(statement)")
        }
    }

    @Test func test_ingest_role_loads_twice_but_cannot_change_the_schema() throws {
        // Every index and constraint of the people tables, as the migrations made them: a load suspends the
        // foreign keys and indexes of the tables it fills and must leave each as it was.
        let schemaQuery: SQLQuery = """
            SELECT string_agg(x, E'\n' ORDER BY x) FROM (
                SELECT indexdef AS x FROM pg_indexes WHERE schemaname = 'people'
                UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                WHERE connamespace = 'people'::regnamespace) d
            """
        let schemaBefore = try database.connect().query(schemaQuery).rows[0][0]
        for _ in 1...2 {
            let run = try loadPeople(as: "pgpipe_ingest")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == "read 10114, loaded 10114, rejected 0\n")
        }
        let keys = try database.connect().query(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'people'::regnamespace").rows[0].decode(Int.self, 0)
        #expect(keys == 3)
        #expect(try database.connect().query(schemaQuery).rows[0][0] == schemaBefore)
        #expect(try database.connect().query("SELECT count(*) FROM ingest.suspended_indexes").rows[0].decode(Int.self, 0) == 0)

        let ingest = try database.connect(as: "pgpipe_ingest")
        #expect(failure(ingest, "ALTER TABLE people.people ADD COLUMN x int") == "42501")
        #expect(failure(ingest, "ALTER TABLE people.people DROP CONSTRAINT people_place_id_fkey") == "42501")
        #expect(failure(ingest, "DROP TABLE people.people") == "42501")
        #expect(failure(ingest, "CREATE TABLE people.extra (x int)") == "42501")
        #expect(failure(ingest, "CREATE TABLE public.extra (x int)") == "42501")
        #expect(failure(ingest, "CALL ingest.apply_privileges()") == "42501")
        #expect(failure(ingest, "INSERT INTO ingest.suspended_foreign_keys (table_name, constraint_name, definition) VALUES ('people.people', 'x', 'CHECK (false)')") == "42501")
        #expect(failure(ingest, "INSERT INTO ingest.suspended_indexes (table_name, index_name, is_constraint, definition) VALUES ('people.people', 'x', false, 'DROP TABLE people.people')") == "42501")
        // The owner's two functions reach the product's tables only, and keys they suspend must come back.
        #expect(failure(ingest, "SELECT ingest.begin_replacement('{pg_catalog.pg_class}')") == "42501")
        #expect(failure(ingest, "BEGIN; SELECT ingest.begin_replacement('{people.people}'); COMMIT") == "P0001")
        // A table without foreign keys: its primary key's index, suspended, must come back before commit too.
        #expect(failure(ingest, "BEGIN; SELECT ingest.begin_replacement('{wind.forecast_raw}'); COMMIT") == "P0001")
        #expect(try database.connect().query("SELECT count(*) FROM people.people").rows[0].decode(Int.self, 0) == 10_000)
    }

    @Test func test_service_role_on_an_unmigrated_database_is_told_to_migrate() throws {
        let empty = try ScratchDatabase()
        try empty.connect().execute(script: "GRANT CONNECT ON DATABASE \(Identifier.quoted(empty.name)) TO pgpipe_ingest")
        let run = try runTool(
            "ingest", ["load", "people", "--data-dir", peopleData, "--quiet"], environment: empty.environment(as: "pgpipe_ingest"))
        #expect(run.status == 78)
        #expect(run.stderr.contains("the database lacks migration 0001_ingest.sql and this role may not apply it"), "\(run.stderr)")
        #expect(run.stderr.contains("run `ingest migrate` as the database's administrator"))
    }

    @Test func test_migrate_sets_role_passwords_from_secret_files_as_scram_verifiers() throws {
        let secret = "correct horse \(UUID().uuidString)"
        let file = try folder.write("ingest_password", secret + "\n")
        let run = try runTool("ingest", ["migrate", "--ingest-password-file", file], environment: database.environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("password of pgpipe_ingest: set from \(file)"))
        #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret))
        let stored = try database.connect().query("SELECT rolpassword FROM pg_authid WHERE rolname = 'pgpipe_ingest'")
            .rows[0].decode(String.self, 0)
        #expect(stored.hasPrefix("SCRAM-SHA-256$4096:"))
        #expect(!stored.contains(secret))

        let missing = try runTool("ingest", ["migrate", "--summary-password-file", "\(folder.path)/absent"], environment: database.environment)
        #expect(missing.status == 78, "a setting to fix: \(missing.stderr)")
        #expect(missing.stderr == "ingest: error: \(folder.path)/absent: no such secret file\n")
    }

    @Test func test_password_file_is_read_for_the_connection_and_never_printed() throws {
        let file = try folder.write("password", "s3cret-from-file\n")
        let configuration = try PostgresConfiguration.resolve(
            url: "postgresql://u@h/d", environment: ["DATABASE_PASSWORD_FILE": file])
        #expect(configuration.password == "s3cret-from-file")
        #expect(!configuration.description.contains("s3cret"))
        let error = try #require(throws: ConfigurationError.self) {
            try PostgresConfiguration.resolve(environment: ["DATABASE_PASSWORD_FILE": "\(folder.path)/absent"])
        }
        #expect(error.failure == .configuration)
    }
}
