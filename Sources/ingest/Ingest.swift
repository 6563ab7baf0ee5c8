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
        subcommands: [Load.self, Migrate.self, Datasets.self],
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

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a dataset, replacing its previous load in one transaction.",
        discussion: "Prints `read N, loaded N, rejected N` last. Rejected rows go to ingest.rejects and to the rejects file.")

    @Argument(help: "The dataset to load (see `ingest datasets`).")
    var dataset = "people"

    @Option(help: "The folder the dataset's input files are read from, by their default names.")
    var dataDir = "data"

    @Option(name: .customLong("file"), help: ArgumentHelp("Read an input from another file.", valueName: "input=path"))
    var files: [String] = []

    @Option(help: "How many rejected rows a load may have and still commit its valid rows.")
    var maxRejects = 0

    @Option(help: "The rejects file (JSON lines). Default: <data-dir>/<dataset>_rejects.jsonl.")
    var rejects: String?

    @Flag(help: "No progress bar or progress log lines.")
    var quiet = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard let dataset = Dataset.named(dataset) else {
            throw ValidationError("unknown dataset \"\(dataset)\"; datasets are: \(Dataset.all.map(\.name).joined(separator: ", "))")
        }
        guard maxRejects >= 0 else { throw ValidationError("--max-rejects must be 0 or more") }
        for file in files {
            let input = file.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            guard file.contains("="), dataset.inputs.contains(where: { $0.name == input }) else {
                throw ValidationError("--file \(file): expected input=path with input one of \(dataset.inputs.map(\.name).joined(separator: ", "))")
            }
        }
    }

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let dataset = Dataset.named(dataset)!
            let overrides = Dictionary(uniqueKeysWithValues: files.map { file in
                let parts = file.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts[1])
            })
            let opened = try OpenedDataset(dataset, dataDirectory: dataDir, files: overrides)
            let connection = try database.connect()
            try database.migrate(connection, logger: logger)
            let loader = DatasetLoader(
                connection: connection, rejectsConnection: try database.connect(), logger: logger,
                progress: quiet ? Progress(style: .silent, logger: logger) : .automatic(logger: logger))
            let result = try loader.load(
                opened, maxRejects: maxRejects,
                rejectsPath: rejects ?? "\(dataDir)/\(dataset.name)_rejects.jsonl")
            if result.counts.rejected > 0 {
                let verdict = result.status == .rolledBack
                    ? "more than --max-rejects \(maxRejects): the load rolled back and the database is unchanged"
                    : "the valid rows were loaded"
                logger.warning("\(result.counts.rejected) rows rejected (see \(result.rejectsFile) or ingest.rejects run \(result.run)); \(verdict)")
            }
            print(result.counts.summaryLine)
            return result.counts.rejected > 0 ? ExitStatus.dataError : 0
        }
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
