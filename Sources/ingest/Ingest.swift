import ArgumentParser
import CommandSupport
import Failures
import Foundation
import Ingestion
import Logging
import Postgres
import Schema

@main
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load datasets into Postgres: validate every row, COPY the good ones, quarantine the rest.",
        discussion: """
            Connects with --database-url, else DATABASE_URL, else libpq's PG* variables; the password may come \
            from the file DATABASE_PASSWORD_FILE names. Applies the migrations in sql/migrations that the \
            database lacks before loading (as the administrator; the pgpipe_ingest role only checks them).

            """ + ExitStatus.help,
        subcommands: [Load.self, Plan.self, Apply.self, Infer.self, CensusBatch.self, CensusSplit.self, Score.self, AccidentSources.self, WindSources.self, LoadAll.self, Migrate.self, Datasets.self],
        defaultSubcommand: Load.self)
}

/// The shared connection options plus where the migrations are.
struct DatabaseOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The folder holding migrations/, transforms/ and queries/.")
    var sql = "sql"

    @Option(help: "The folder of dataset contracts: the built-in datasets' and your own (datasets/NAME.yaml).")
    var datasets = "datasets"

    @Option(help: "Seconds to wait for a lock another session holds (a report left open in a transaction, another load) before giving up (exit 75, nothing changed). Who holds it is logged while waiting.")
    var lockTimeout = 300.0

    func validate() throws {
        guard (1...86_400).contains(lockTimeout) else { throw ValidationError("--lock-timeout must be 1 to 86400 seconds") }
    }

    var sqlFolder: SQLFolder { SQLFolder(root: sql) }
    var catalog: DatasetCatalog { DatasetCatalog(folder: datasets) }

    /// A session whose lock waits end after --lock-timeout.
    func connect() throws -> Connection {
        let session = try connection.connect()
        try session.query(try sqlFolder.query("ingest/set_lock_timeout.sql", [String(Int(lockTimeout * 1000))]))
        return session
    }

    func logger(_ label: String) -> Logger { connection.logger(label) }

    /// Applies what the database lacks; returns the names applied.
    @discardableResult
    func migrate(_ connection: Connection, logger: Logger) throws -> [String] {
        try Migrator(sql: sqlFolder, logger: logger).migrate(connection)
    }
}

/// Where census batches are when they are spread over shards: `census` and `score` take it.
struct ShardOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A coordinator over census shards (sql/coordinator/coordinator.sql): census and score ask it which shard holds the batch (placing a new one) and work there, as the same role. The password as for --database-url.",
        valueName: "url"))
    var coordinator: String?

    /// `database` pointed at the shard the coordinator has `batch` on, placing it there if it is new and
    /// `place` (its bounds widen before any of its rows exist; without `place`, a batch on no shard is an input
    /// error); without --coordinator, `database` as it is.
    func routed(_ database: DatabaseOptions, batch: String, place: Bool, logger: Logger) throws -> DatabaseOptions {
        guard let coordinator else { return database }
        let conninfo: String
        do {
            let router = try Connection(PostgresConfiguration.resolve(url: coordinator, environment: ProcessInfo.processInfo.environment))
            conninfo = try router.query(try database.sqlFolder.query("ingest/shard_route.sql", [batch, place])).rows[0].decode(String.self, 0)
        } catch let error as PostgresError where error.sqlState == "P0002" {
            throw InputError(path: "census batch \(batch)", reason: "no such batch: the coordinator has it on no shard")
        } catch let error as PostgresError where ["42883", "3F000"].contains(error.sqlState) {
            throw ConfigurationError("--coordinator: that database has no shards.route(); make it a coordinator with sql/coordinator/coordinator.sql")
        } catch let error as PostgresError where error.sqlState == "55000" {
            // The coordinator's own refusals: no shard yet, or shards whose model registries disagree.
            throw ConfigurationError("--coordinator: \(error)")
        }
        var routed = database
        routed.connection.databaseURL = conninfo
        logger.info("batch \(batch) is on the shard at \(PostgresConfiguration(conninfo: conninfo)), as the coordinator placed it")
        return routed
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the migrations in sql/migrations that the database lacks, and set the service roles' passwords.",
        discussion: """
            Run as the database's administrator: the migrations create the roles pgpipe_owner (owns the schema), \
            pgpipe_ingest (writes rows), pgpipe_summary (reads) and pgpipe_serve (reads the models). A password file holds one password (a final \
            line break is ignored); without one the role's password is left as it is.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The file with pgpipe_ingest's password. Default: PGPIPE_INGEST_PASSWORD_FILE.")
    var ingestPasswordFile: String?

    @Option(help: "The file with pgpipe_summary's password. Default: PGPIPE_SUMMARY_PASSWORD_FILE.")
    var summaryPasswordFile: String?

    @Option(help: "The file with pgpipe_serve's password. Default: PGPIPE_SERVE_PASSWORD_FILE.")
    var servePasswordFile: String?

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let connection = try database.connect()
            let applied = try database.migrate(connection, logger: logger)
            print(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.joined(separator: ", "))")
            let environment = ProcessInfo.processInfo.environment
            for (role, file) in [
                ("pgpipe_ingest", ingestPasswordFile ?? environment["PGPIPE_INGEST_PASSWORD_FILE"]),
                ("pgpipe_summary", summaryPasswordFile ?? environment["PGPIPE_SUMMARY_PASSWORD_FILE"]),
                ("pgpipe_serve", servePasswordFile ?? environment["PGPIPE_SERVE_PASSWORD_FILE"]),
            ] {
                guard let file, !file.isEmpty else { continue }
                try connection.setPassword(role: role, password: try PostgresConfiguration.readSecret(file))
                print("password of \(role): set from \(file)")
            }
            return 0
        }
    }
}

struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the datasets of the contracts folder and their input files.")

    @Option(help: "The folder of dataset contracts.")
    var datasets = "datasets"

    func run() throws {
        try exitingWithStatus("ingest") {
            let catalog = DatasetCatalog(folder: datasets)
            for name in catalog.names {
                let dataset = try catalog.dataset(name)
                print("\(dataset.name): \(dataset.summary)")
                for input in dataset.inputs {
                    print("  \(input.name): \(input.defaultFile) (\(input.columns.map(\.name).joined(separator: ",")))")
                }
            }
            return 0
        }
    }
}
