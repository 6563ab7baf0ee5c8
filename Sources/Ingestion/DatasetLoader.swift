import Formats
import Logging
import Postgres
import Schema
import Validation

/// What a load did: its counts, how it ended, and the ledger's run id.
public struct LoadResult: Sendable {
    public let run: Int64
    public let status: LoadStatus
    public let counts: LoadCounts
    public let rejectsFile: String
}

/// Loads a dataset: every input file is streamed through validation into COPY, in one transaction that
/// first empties the dataset's tables, so readers see the previous load until the new one commits whole.
/// Rejected rows go to the rejects table and file; past `maxRejects` the transaction rolls back.
public struct DatasetLoader {
    let connection: Connection
    /// A second session: rejects are COPYed there while the load's own COPY streams on `connection`.
    let rejectsConnection: Connection
    let sql: SQLFolder
    let logger: Logger
    let progress: LoadProgress?

    public init(connection: Connection, rejectsConnection: Connection, sql: SQLFolder, logger: Logger, progress: LoadProgress?) {
        self.connection = connection
        self.rejectsConnection = rejectsConnection
        self.sql = sql
        self.logger = logger
        self.progress = progress
    }

    /// Loads a dataset whose files are open and whose headers checked out. `batch` names the batch a
    /// batch-wise dataset replaces (a census batch date); whole-dataset loads have none. `settings` are
    /// options of the dataset's SQL, read there as `current_setting('pgpipe.<name>', true)`.
    public func load(
        _ opened: OpenedDataset, batch: String? = nil, settings: [String: String] = [:], maxRejects: Int, rejectsPath: String,
        context: ValidationContext = ValidationContext()
    ) throws -> LoadResult {
        let dataset = opened.dataset
        var inputs = opened.inputs
        let ledger = Ledger(connection: connection, sql: sql)
        let run = try ledger.start(dataset: dataset.name, batch: batch, maxRejects: maxRejects)
        var perInput: [LoadCounts] = []
        /// Records each input's counts and the run's outcome.
        func close(_ status: LoadStatus, message: String? = nil) throws -> LoadResult {
            for (open, counts) in zip(inputs, perInput) {
                try ledger.recordSource(
                    run: run, input: open.input.name, file: open.file.path, sha256: open.file.sha256Hex(),
                    bytes: open.file.bytesRead, counts: counts)
            }
            let counts = perInput.reduce(LoadCounts(), +)
            try ledger.finish(run: run, status: status, counts: counts, message: message)
            return LoadResult(run: run, status: status, counts: counts, rejectsFile: rejectsPath)
        }
        do {
            return try connection.withTransaction {
                try connection.lockForTransaction("pgpipe:dataset:\(dataset.name)")
                try connection.query("SELECT set_config('pgpipe.batch', \(batch ?? ""), true)")
                for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
                    try connection.query("SELECT set_config('pgpipe.' || \(name), \(value), true)")
                }
                try clear(dataset.replacement)
                // Rejects stream on the second session and commit before the load does: a crash in between
                // leaves the rejects of a run that committed nothing, never loaded rows without their rejects.
                try rejectsConnection.copyIn(RejectRecorder.copyStatement) { rejectsTable in
                    let rejects = try RejectRecorder(run: run, dataset: dataset.name, table: rejectsTable, path: rejectsPath)
                    do {
                        for index in inputs.indices {
                            perInput.append(try stream(&inputs[index], rejects: rejects, context: context))
                        }
                    } catch {
                        rejects.discard()
                        throw error
                    }
                    try rejects.finish()
                }
                let rejected = perInput.reduce(0) { $0 + $1.rejected }
                if rejected > maxRejects { throw TooManyRejects() }
                try swapIn(dataset.replacement, batch: batch ?? "")
                // The ledger's outcome commits with the rows: a process killed after COMMIT still has its run
                // recorded as loaded.
                return try close(rejected > 0 ? .loadedWithRejects : .loaded)
            }
        } catch is TooManyRejects {
            perInput = perInput.map { LoadCounts(read: $0.read, loaded: 0, rejected: $0.rejected, rolledBack: $0.loaded) }
            let rejected = perInput.reduce(0) { $0 + $1.rejected }
            return try close(.rolledBack, message: "\(rejected) rejected rows exceed --max-rejects \(maxRejects); the load rolled back and the database is unchanged")
        } catch {
            try? ledger.finish(run: run, status: .failed, counts: perInput.reduce(LoadCounts(), +), message: "\(error)")
            throw error
        }
    }

    /// Removes what the load replaces, so that no foreign key fires per copied row: a whole-dataset load
    /// suspends the keys among its tables (`ingest.begin_replacement`), a batch load writes into a table of
    /// its own (`ingest.begin_batch_partition`); both run with the owner's rights, and `swapIn` checks every
    /// key with one join before commit.
    private func clear(_ replacement: Replacement) throws {
        switch replacement {
        case .everything(let tables):
            let list = "{" + tables.joined(separator: ",") + "}"
            try connection.query("SELECT ingest.begin_replacement(\(list)::regclass[])")
        case .batch(let table, let delete):
            try connection.execute(script: try sql.transform(delete))
            try BatchPartition(schema: table.schema, table: table.table, connection: connection).begin()
        }
    }

    /// Finishes what `clear` began, before commit: the keys come back, or the batch's partition is swapped in.
    private func swapIn(_ replacement: Replacement, batch: String) throws {
        switch replacement {
        case .everything:
            try connection.query("SELECT ingest.end_replacement()")
        case .batch(let table, _):
            try BatchPartition(schema: table.schema, table: table.table, connection: connection).swapIn(batch: batch)
        }
    }

    struct TooManyRejects: Error {}

    /// The server and the loader disagree about what was loaded: a bug, never a data problem.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Streams one input: each record is validated, then encoded into the COPY buffer or recorded as a reject.
    private func stream(_ open: inout OpenedDataset.OpenInput, rejects: RejectRecorder, context: ValidationContext) throws -> LoadCounts {
        let input = open.input
        try connection.query("SELECT set_config('pgpipe.source_file', \(open.source.sourceName), true)")
        if let before = input.before { try connection.execute(script: try sql.transform(before)) }
        for case .reference(let reference) in input.columns.map(\.type) where context.lacks(reference) {
            try readKeys(of: reference, into: context)
        }
        var counts = LoadCounts()
        let table = input.copyTable
        let copied = try connection.copyIn(
            "COPY \(identifier: table.schema, table.name) (\(identifiers: input.copyColumns)) FROM STDIN"
        ) { writer in
            while let record = try open.source.next() {
                counts.read += 1
                switch open.validator.check(record, context: context) {
                case .accepted(let values):
                    try writer.withBuffer { CopyText.appendRow(values, of: record, positions: open.validator.positions, to: &$0) }
                    counts.loaded += 1
                case .rejected(let field, let reason):
                    try rejects.record(Reject(source: open.source.sourceName, line: record.line, field: field, reason: reason, raw: record.raw, rawLength: record.rawLength))
                    counts.rejected += 1
                }
                progress?.update(input: input.name, rows: counts.read, bytes: open.file.bytesRead, totalBytes: open.file.size)
            }
        }
        progress?.finish(input: input.name, rows: counts.read, bytes: open.file.bytesRead, totalBytes: open.file.size)
        guard copied == counts.loaded else {
            throw LoadError(description: "COPY stored \(copied) rows of \(input.name) but \(counts.loaded) were sent")
        }
        if let after = input.after { try connection.execute(script: try sql.transform(after)) }
        logger.info("\(input.name): \(counts.summaryLine) from \(open.source.sourceName)")
        return counts
    }

    /// Reads a reference's keys in the load's transaction, after the inputs that fill the tables it reads.
    private func readKeys(of reference: Reference, into context: ValidationContext) throws {
        var keys: [String: [ValidationContext.Target]] = [:]
        for row in try connection.query(try sql.query(reference.query, variables: reference.variables)).rows {
            keys[row[0] ?? "", default: []].append(ValidationContext.Target(id: row[1] ?? "", label: row[2] ?? ""))
        }
        context.store(reference, keys: keys)
    }
}
