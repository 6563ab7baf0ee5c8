import ArgumentParser
import Foundation
import Logging
import Pipeline
import Postgres
import ServiceCommand

@main
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load datasets into Postgres: validate every row, COPY the good ones, quarantine the rest.",
        discussion: """
            Connects with --database-url, else DATABASE_URL, else libpq's PG* variables. Applies the migrations \
            in sql/migrations before loading.

            Exit status: 0 every row loaded; 65 rows were rejected or a header is wrong; 66 an input file is \
            missing or unreadable; 69 the database is unreachable; 64 bad usage; 78 an applied migration was edited.
            """,
        subcommands: [Load.self, CensusBatch.self, Score.self, AccidentSources.self, LoadAll.self, Migrate.self, Datasets.self],
        defaultSubcommand: Load.self)
}

/// The shared connection options plus where the migrations are.
struct DatabaseOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The folder holding migrations/.")
    var sql = "sql"

    func connect() throws -> Connection { try connection.connect() }
    func logger(_ label: String) -> Logger { connection.logger(label) }

    func migrate(_ connection: Connection, logger: Logger) throws {
        try Migrator(directory: "\(sql)/migrations", logger: logger).migrate(connection)
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the migrations in sql/migrations that the database lacks.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let applied = try Migrator(directory: "\(database.sql)/migrations", logger: logger).migrate(try database.connect())
            print(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.joined(separator: ", "))")
            return 0
        }
    }
}

struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the datasets and their input files.")

    func run() {
        for dataset in Dataset.all {
            print("\(dataset.name): \(dataset.summary)")
            for input in dataset.inputs {
                print("  \(input.name): \(input.defaultFile) (\(input.columns.map(\.name).joined(separator: ",")))")
            }
        }
    }
}
