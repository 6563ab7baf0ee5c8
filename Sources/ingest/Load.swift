import ArgumentParser
import CommandSupport
import Ingestion
import Logging
import Postgres
import Formats
import Validation

/// The options every load shares.
struct LoadOptions: ParsableArguments {
    @Option(help: "How many rejected rows a load may have and still commit its valid rows.")
    var maxRejects = 0

    @Option(help: ArgumentHelp("Refuse a load that keeps fewer rows of an input than this percentage of the last committed load of the same dataset (and batch).", valueName: "percent"))
    var shrinkLimit = 50

    @Flag(help: "Replace the previous load even when this one is much smaller (see --shrink-limit).")
    var allowShrink = false

    @Option(help: "The rejects file (JSON lines).")
    var rejects: String?

    @Flag(help: "No progress bar or progress log lines.")
    var quiet = false

    func validate() throws {
        guard maxRejects >= 0 else { throw ValidationError("--max-rejects must be 0 or more") }
        // The ledger keeps the limit as an integer column.
        guard maxRejects <= Int(Int32.max) else { throw ValidationError("--max-rejects must be at most \(Int32.max)") }
        guard (0...100).contains(shrinkLimit) else { throw ValidationError("--shrink-limit must be a percentage, 0 to 100") }
    }

    var policy: LoadPolicy {
        LoadPolicy(maxRejects: maxRejects, minimumPercentOfPrevious: allowShrink ? nil : shrinkLimit)
    }

    /// Migrates, loads `opened` and prints the counts line. Returns the result and the open connection.
    func load(
        _ opened: OpenedDataset, batch: String?, settings: [String: String] = [:], defaultRejects: String,
        database: DatabaseOptions, logger: Logger
    ) throws -> (LoadResult, Connection) {
        let rejectsPath = rejects ?? defaultRejects
        try OutputFile.checkTarget(rejectsPath, protecting: opened.inputIdentities)
        let connection = try database.connect()
        try database.migrate(connection, logger: logger)
        let loader = DatasetLoader(
            connection: connection, rejectsConnection: try database.connect(), sql: database.sqlFolder, logger: logger,
            progress: quiet ? nil : ProgressDisplay.automatic(logger: logger))
        let result = try loader.load(
            opened, batch: batch, settings: settings, policy: policy, rejectsPath: rejectsPath)
        if result.counts.rejected > 0 {
            let verdict = result.status == .rolledBack
                ? "more than --max-rejects \(maxRejects): the load rolled back and the database is unchanged"
                : "the valid rows were loaded"
            logger.warning("\(result.counts.rejected) rows rejected (see \(result.rejectsFile) or ingest.rejects run \(result.run)); \(verdict)")
        }
        if result.status == .refused, let message = result.message { logger.error("\(message)") }
        print(result.counts.summaryLine)
        return (result, connection)
    }
}

extension LoadResult {
    /// Once the command has made its last commit for this run (rows, scores, model): records and logs the WAL
    /// position a hot standby must have replayed to show all of it, which `summary --wait-for-run` and
    /// `--after-lsn` wait for.
    func recordCommitLSN(connection: Connection, database: DatabaseOptions, logger: Logger) throws {
        guard status.committed else { return }
        let lsn = try Ledger(connection: connection, sql: database.sqlFolder).recordCommitLSN(run: run)
        logger.info("run \(run) committed at WAL \(lsn); on a replica, summary --wait-for-run \(run) (or --after-lsn \(lsn)) reads once it is replayed")
    }
}

extension LoadResult {
    var exitStatus: Int32 { counts.rejected > 0 || status == .refused ? ExitStatus.dataError : 0 }
}

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a dataset, replacing its previous load in one transaction.",
        discussion: "Prints `read N, loaded N, rejected N` last. Rejected rows go to ingest.rejects and to the rejects file (default <data-dir>/<dataset>_rejects.jsonl).")

    @Argument(help: "The dataset to load (see `ingest datasets`).")
    var dataset = "people"

    @Option(help: "The folder the dataset's input files are read from, by their default names.")
    var dataDir = "data"

    @Option(name: .customLong("file"), help: ArgumentHelp("Read an input from another file.", valueName: "input=path"))
    var files: [InputFile] = []

    @Option(help: "The batch a batch-wise dataset (census) replaces, YYYY-MM-DD.", transform: CalendarDate.argument)
    var batch: CalendarDate?

    @Flag(help: "Accept a batch date outside the usual window (1970-01-01 to a year from today).")
    var anyBatchDate = false

    @OptionGroup var options: LoadOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard let dataset = Dataset.named(dataset) else {
            throw ValidationError("unknown dataset \"\(dataset)\"; datasets are: \(Dataset.all.map(\.name).joined(separator: ", "))")
        }
        if case .batch = dataset.replacement, batch == nil {
            throw ValidationError("\(dataset.name) is loaded batch by batch: give --batch")
        }
        if let batch { try BatchDateWindow.check(batch, option: "--batch", allowAny: anyBatchDate) }
        for (index, file) in files.enumerated() where files[..<index].contains(where: { $0.input == file.input }) {
            throw ValidationError("--file \(file.input)=... is given more than once")
        }
        for file in files where !dataset.inputs.contains(where: { $0.name == file.input }) {
            throw ValidationError("--file \(file.input)=\(file.path): \(dataset.name) has no input \(file.input); its inputs are \(dataset.inputs.map(\.name).joined(separator: ", "))")
        }
    }

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            guard let dataset = Dataset.named(dataset) else { throw ValidationError("unknown dataset \"\(dataset)\"") }
            let overrides = Dictionary(files.map { ($0.input, $0.path) }) { _, last in last }
            let opened = try OpenedDataset(dataset, dataDirectory: dataDir, files: overrides)
            let (result, connection) = try options.load(
                opened, batch: batch?.description, defaultRejects: "\(dataDir)/\(dataset.name)_rejects.jsonl", database: database, logger: logger)
            try result.recordCommitLSN(connection: connection, database: database, logger: logger)
            return result.exitStatus
        }
    }
}
