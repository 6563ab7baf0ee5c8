import ArgumentParser
import CommandSupport
import Ingestion
import Logging
import Postgres
import Formats
import Foundation
import Failures
import Validation

/// The options every load shares.
struct LoadOptions: ParsableArguments {
    @Option(help: "How many rejected rows a load may have and still commit its valid rows (default 0, or a contract's rejects.max).")
    var maxRejects: Int?

    @Option(help: ArgumentHelp("Refuse a load that keeps fewer rows of an input than this percentage of the last committed load of the same dataset (and batch); default 50, or a contract's rejects.shrink_limit.", valueName: "percent"))
    var shrinkLimit: Int?

    @Flag(help: "Replace the previous load even when this one is much smaller (see --shrink-limit).")
    var allowShrink = false

    @Option(help: "The rejects file (JSON lines).")
    var rejects: String?

    @Flag(help: "No progress bar or progress log lines.")
    var quiet = false

    func validate() throws {
        guard let maxRejects else { return try validateShrinkLimit() }
        guard maxRejects >= 0 else { throw ValidationError("--max-rejects must be 0 or more") }
        // The ledger keeps the limit as an integer column.
        guard maxRejects <= Int(Int32.max) else { throw ValidationError("--max-rejects must be at most \(Int32.max)") }
        try validateShrinkLimit()
    }

    private func validateShrinkLimit() throws {
        guard let shrinkLimit, !(0...100).contains(shrinkLimit) else { return }
        throw ValidationError("--shrink-limit must be a percentage, 0 to 100")
    }

    var policy: LoadPolicy { policy(maxRejects: 0, shrinkLimit: 50) }

    /// Where a load's rejects go unless --rejects says: `<data-dir>/rejects/NAME_rejects.jsonl`, apart from the
    /// inputs.
    static func defaultRejects(dataDir: String, name: String) -> String { "\(dataDir)/rejects/\(name)_rejects.jsonl" }

    /// The options over a contract's (or the built-in) defaults; `shrinkLimit` nil where no shrink is guarded.
    func policy(maxRejects defaultMaximum: Int, shrinkLimit defaultLimit: Int?) -> LoadPolicy {
        LoadPolicy(maxRejects: maxRejects ?? defaultMaximum, minimumPercentOfPrevious: allowShrink || defaultLimit == nil ? nil : shrinkLimit ?? defaultLimit)
    }

    /// Migrates, loads `opened` and prints the counts line. Returns the result and the open connection.
    /// `check` runs once the database is migrated, before any row is read (a contract's table checked);
    /// `beforeCommit` in the load's transaction once its rows are in place.
    func load(
        _ opened: OpenedDataset, batch: String?, settings: [String: String] = [:], defaultRejects: String,
        database: DatabaseOptions, logger: Logger, policy: LoadPolicy? = nil, check: (Connection) throws -> Void = { _ in },
        beforeCommit: (Connection) throws -> Void = { _ in }
    ) throws -> (LoadResult, Connection) {
        let policy = policy ?? self.policy
        let rejectsPath = rejects ?? defaultRejects
        // The default rejects folder is made when missing, and left in place: loads of other batches may be
        // writing their rejects files in it at the same time.
        let folder = (rejectsPath as NSString).deletingLastPathComponent
        if rejects == nil, !folder.isEmpty { try OutputFile.makeDirectory(folder) }
        try OutputFile.checkTarget(rejectsPath, protecting: opened.inputIdentities)
        let connection = try database.connect()
        try database.migrate(connection, logger: logger)
        try check(connection)
        let loader = DatasetLoader(
            connection: connection, rejectsConnection: try database.connect(), sql: database.sqlFolder, logger: logger,
            progress: quiet ? nil : ProgressDisplay.automatic(logger: logger))
        let watch = try LockWatch(watched: connection, watcher: try database.connect(), blockers: {
            try database.sqlFolder.query("ingest/lock_blockers.sql", [$0])
        }) { logger.warning("\($0)") }
        let result = try watch.during {
            try loader.load(opened, batch: batch, settings: settings, policy: policy, rejectsPath: rejectsPath, beforeCommit: beforeCommit)
        }
        if result.counts.rejected > 0 {
            let verdict = result.status == .rolledBack
                ? "more than --max-rejects \(policy.maxRejects): the load rolled back and the database is unchanged"
                : "the valid rows were loaded"
            logger.warning("\(result.counts.rejected) rows rejected (see \(result.rejectsFile) or ingest.rejects run \(result.run)); \(verdict)")
        }
        if result.status == .refused, let message = result.message { logger.error("\(message)") }
        print(result.counts.summaryLine + (result.merge.map { "; \($0.summary)" } ?? ""))
        return (result, connection)
    }
}

extension LoadResult {
    /// Once the command has made its last commit for this run (rows, scores, model): records the WAL position a
    /// hot standby must have replayed to show all of it, which `summary --wait-for-run` and `--after-lsn` wait
    /// for, and logs the load's one line at the default level: what it did, its run and that position.
    func recordCommitLSN(connection: Connection, database: DatabaseOptions, logger: Logger) throws {
        guard status.committed else { return }
        let lsn = try Ledger(connection: connection, sql: database.sqlFolder).recordCommitLSN(run: run)
        let what = dataset + (batch.map { " \($0)" } ?? "")
        logger.info("\(what): \(counts.summaryLine); run \(run) committed at WAL \(lsn) (on a replica, summary --wait-for-run \(run) reads once it is replayed)")
    }
}

extension LoadResult {
    var exitStatus: Int32 { counts.rejected > 0 || status == .refused ? ExitStatus.dataError : 0 }
}

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a dataset, replacing its previous load in one transaction.",
        discussion: "Prints `read N, loaded N, rejected N` last. Rejected rows go to ingest.rejects and to the rejects file (default <data-dir>/rejects/<dataset>_rejects.jsonl, only when rows were rejected).")

    @Argument(help: "The built-in dataset to load (see `ingest datasets`); none with --contract.")
    var dataset: String?

    @Option(help: ArgumentHelp("Load the dataset this contract file declares (YAML, see docs/contracts.md); its table must be applied (`ingest apply`).", valueName: "file"))
    var contract: String?

    @Option(help: "The folder the dataset's input files are read from, by their default names.")
    var dataDir = "data"

    @Option(name: .customLong("file"), help: ArgumentHelp("Read an input from another file.", valueName: "input=path"))
    var files: [InputFile] = []

    @Option(help: "The batch a batch-wise dataset replaces: a census date (YYYY-MM-DD), or the value of a contract's partition key.")
    var batch: String?

    @Flag(help: "Accept a batch date outside the usual window (1970-01-01 to a year from today).")
    var anyBatchDate = false

    @Flag(help: "Append a file even when a committed load of the dataset already appended the same file (by sha256).")
    var force = false

    @OptionGroup var options: LoadOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if contract != nil, let dataset { throw ValidationError("give a dataset of the contracts folder (\(dataset)) or --contract, not both") }
        for (index, file) in files.enumerated() where files[..<index].contains(where: { $0.input == file.input }) {
            throw ValidationError("--file \(file.input)=... is given more than once")
        }
    }

    /// A batch date, or the usage error ArgumentParser would give for it.
    static func date(_ text: String) throws -> CalendarDate {
        guard let date = CalendarDate(iso: text) else {
            throw UsageError("The value '\(text)' is invalid for '--batch <batch>': expected a real date written YYYY-MM-DD")
        }
        return date
    }

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let contract: Contract
            if let path = self.contract {
                contract = try ContractReader.read(path)
                try database.catalog.checkName(of: contract)
            } else {
                contract = try database.catalog.contract(dataset ?? "people")
            }
            return try load(contract, logger: logger)
        }
    }

    /// A dataset as its contract says: the contract read and its inputs opened before anything connects; a
    /// declared table checked against the contract before a row is read.
    private func load(_ contract: Contract, logger: Logger) throws -> Int32 {
        var dataset = contract.dataset()
        for file in files where !dataset.inputs.contains(where: { $0.name == file.input }) {
            throw UsageError("--file \(file.input)=\(file.path): \(dataset.name) has no input \(file.input); its inputs are \(dataset.inputs.map(\.name).joined(separator: ", "))")
        }
        let batch = try partitionKey(of: contract)
        if case .none(let table, true) = dataset.replacement, force { dataset = dataset.replacing(.none(table: table, refuseRepeats: false)) }
        let overrides = Dictionary(files.map { ($0.input, $0.path) }) { _, last in last }
        let opened = try OpenedDataset(dataset, dataDirectory: dataDir, files: overrides)
        let policy = options.policy(maxRejects: contract.maxRejects, shrinkLimit: contract.guardsShrink ? contract.shrinkLimit : nil)
        let (result, connection) = try options.load(
            opened, batch: batch, defaultRejects: LoadOptions.defaultRejects(dataDir: dataDir, name: contract.name), database: database, logger: logger, policy: policy,
            check: { connection in
                guard contract.declaredTable != nil else { return }
                if let difference = try ContractTable(contract, sql: database.sqlFolder).difference(connection) { throw ConfigurationError(difference) }
            })
        try result.recordCommitLSN(connection: connection, database: database, logger: logger)
        return result.exitStatus
    }

    /// The value of the partition or batch a load replaces (`--batch`), checked as its key's type; nil for
    /// loads that replace no batch.
    private func partitionKey(of contract: Contract) throws -> String? {
        switch contract.mode {
        case .partition(let key, let type):
            guard let batch else { throw UsageError("\(contract.file) replaces one value of \(key) a load: give --batch") }
            switch type {
            case .date: _ = try Self.date(batch)
            case .integer where Int(batch) == nil: throw UsageError("--batch \(batch): \(key) is an integer")
            default: break
            }
            return batch
        case .batchPartition:
            guard let batch else { throw UsageError("\(contract.name) is loaded batch by batch: give --batch") }
            do {
                try BatchDateWindow.check(try Self.date(batch), option: "--batch", allowAny: anyBatchDate)
            } catch let error as ValidationError {
                throw UsageError(error.message)
            }
            return batch
        default:
            if batch != nil { throw UsageError("--batch: \(contract.file) is loaded in mode \(contract.mode.name), not by partition") }
            return nil
        }
    }
}
