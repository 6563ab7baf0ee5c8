import Failures
import Formats
import Logging
import Postgres
import Records
import Schema
import Validation

/// What a load did: its counts, how it ended, and the ledger's run id.
public struct LoadResult: Sendable {
    public let run: Int64
    /// The dataset, and the batch for a batch-wise one.
    public let dataset: String
    public let batch: String?
    public let status: LoadStatus
    public let counts: LoadCounts
    public let rejectsFile: String
    /// Why the load did not commit, when it did not.
    public let message: String?
    /// What a merge did to its table (nil for other loads).
    public let merge: MergeCounts?
}

/// What a load accepts before it refuses to commit.
public struct LoadPolicy: Sendable {
    /// More rejected rows than this roll the load back.
    public var maxRejects: Int
    /// A load keeping fewer rows of an input than this percentage of the previous load's is refused; nil
    /// allows any shrink.
    public var minimumPercentOfPrevious: Int?

    /// Rejects stored past --max-rejects, as a sample of what went wrong; the rest are only counted.
    public static let rejectsKeptPastLimit = 100

    public init(maxRejects: Int, minimumPercentOfPrevious: Int? = 50) {
        self.maxRejects = maxRejects
        self.minimumPercentOfPrevious = minimumPercentOfPrevious
    }
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
    ///
    /// `beforeCommit` runs last in the load's transaction, once the rows are in place, for work that must
    /// commit with them or not at all (a census batch's scores): when it throws, the load rolls back.
    public func load(
        _ opened: OpenedDataset, batch: String? = nil, settings: [String: String] = [:], policy: LoadPolicy, rejectsPath: String,
        context: ValidationContext = ValidationContext(), beforeCommit: (Connection) throws -> Void = { _ in }
    ) throws -> LoadResult {
        let dataset = opened.dataset
        var inputs = opened.inputs
        let maxRejects = policy.maxRejects
        // The rejects file is checked and begun before anything else: a directory, a device or an input of the
        // run at its name stops the run before the database is touched.
        let rejectsFile = try OutputFile(path: rejectsPath, protecting: opened.inputIdentities)
        defer { rejectsFile.discard() }
        let ledger = Ledger(connection: connection, sql: sql)
        let run = try ledger.start(dataset: dataset.name, batch: batch, maxRejects: maxRejects)
        var perInput: [LoadCounts] = []
        var newLabels: [CategorySettlement.NewLabels] = []
        var notStored = 0
        var merged: MergeCounts?
        /// Records each input's counts and the run's outcome.
        func close(_ status: LoadStatus, message: String? = nil) throws -> LoadResult {
            for (open, counts) in zip(inputs, perInput) {
                let csv = (open.source as? CSVSource).map { (padded: $0.padded, skipped: $0.emptyRows) }
                try ledger.recordSource(
                    run: run, input: open.input.name, file: open.file.path, sha256: open.file.sha256Hex(),
                    bytes: open.file.bytesRead, counts: counts, csv: csv)
            }
            var counts = perInput.reduce(LoadCounts(), +)
            counts.notStored = notStored
            try ledger.finish(run: run, status: status, counts: counts, message: message)
            if let merged { try ledger.recordMerge(run: run, merged) }
            return LoadResult(run: run, dataset: opened.dataset.name, batch: batch, status: status, counts: counts, rejectsFile: rejectsPath, message: message, merge: merged)
        }
        do {
            return try connection.withTransaction {
                try lock(dataset, batch: batch ?? "")
                try connection.query("SELECT set_config('pgpipe.batch', \(batch ?? ""), true)")
                // The validator's today is the UTC date; CURRENT_DATE in the schema's checks must be too.
                try connection.query("SET LOCAL TimeZone = 'UTC'")
                for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
                    try connection.query("SELECT set_config('pgpipe.' || \(name), \(value), true)")
                }
                // An append refuses a file loaded before it reads a row: the rows would repeat.
                if case .none(_, refuseRepeats: true) = dataset.replacement, let repeated = try repeatedFile(dataset: dataset.name, inputs: inputs) {
                    throw RefusedShrink(message: repeated)
                }
                // What the guarded tables hold before the load empties them: the last committed load's output.
                let guarded = policy.minimumPercentOfPrevious == nil ? [] : try dataset.shrinkTables.map { (table: $0, rows: try count($0)) }
                try clear(dataset.replacement, batch: batch ?? "")
                // Rejects stream on the second session and commit before the load does: a crash in between
                // leaves the rejects of a run that committed nothing, never loaded rows without their rejects.
                try rejectsConnection.copyIn(RejectRecorder.copyStatement) { rejectsTable in
                    let rejects = RejectRecorder(
                        run: run, dataset: dataset.name, table: rejectsTable, file: rejectsFile,
                        storeLimit: maxRejects.addingReportingOverflow(LoadPolicy.rejectsKeptPastLimit).partialValue)
                    for index in inputs.indices {
                        perInput.append(try stream(&inputs[index], of: dataset, batch: batch, rejects: rejects, context: context, newLabels: &newLabels))
                    }
                    notStored = rejects.notStored
                    try rejects.finish()
                }
                let rejected = perInput.reduce(0) { $0 + $1.rejected }
                if rejected > maxRejects { throw TooManyRejects() }
                let loaded = zip(inputs, perInput).map { (input: $0.input.name, rows: $1.loaded, emptyFile: $0.file.bytesRead == 0) }
                if let refusal = try ShrinkGuard(connection: connection, sql: sql).refusal(dataset: dataset.name, batch: batch, run: run, policy: policy, loaded: loaded) {
                    throw RefusedShrink(message: refusal)
                }
                merged = try swapIn(dataset.replacement, batch: batch ?? "", newLabels: newLabels, staged: perInput.reduce(0) { $0 + $1.loaded })
                if let percent = policy.minimumPercentOfPrevious,
                    let refusal = try ShrinkGuard.tableRefusal(percent: percent, before: guarded, after: guarded.map { try count($0.table) }) {
                    throw RefusedShrink(message: refusal)
                }
                try beforeCommit(connection)
                // The ledger's outcome commits with the rows: a process killed after COMMIT still has its run
                // recorded as loaded.
                return try close(rejected > 0 ? .loadedWithRejects : .loaded)
            }
        } catch is TooManyRejects {
            perInput = perInput.map(\.asRolledBack)
            let rejected = perInput.reduce(0) { $0 + $1.rejected }
            let unstored = notStored > 0 ? " (\(notStored) of them counted but not stored)" : ""
            return try close(.rolledBack, message: "\(rejected) rejected rows\(unstored) exceed --max-rejects \(maxRejects); the load rolled back and the database is unchanged")
        } catch let refused as RefusedShrink {
            perInput = perInput.map(\.asRolledBack)
            merged = nil
            return try close(.refused, message: refused.message)
        } catch let error as PostgresError where error.sqlState == "23505" && dataset.replacement.adds {
            // Rows that repeat keys already in the table: an append adds new rows only.
            let refusal = KeyConflict(table: dataset.inputs.map { "\($0.copyTable.schema).\($0.copyTable.name)" }.joined(separator: ", "), error: error)
            try? ledger.finish(run: run, status: .failed, counts: perInput.reduce(LoadCounts(), +).asRolledBack, message: refusal.description)
            throw refusal
        } catch {
            try? ledger.finish(run: run, status: .failed, counts: perInput.reduce(LoadCounts(), +).asRolledBack, message: "\(error)")
            throw error
        }
    }

    private func count(_ table: String) throws -> Int {
        try connection.query("SELECT count(*) FROM \(unescaped: table)").rows[0].decode(Int.self, 0)
    }

    /// Removes what the load replaces, so that no foreign key fires per copied row: a whole-dataset load
    /// suspends the keys among its tables (`ingest.begin_replacement`), a batch load writes into a table of
    /// its own (`ingest.begin_batch_partition`); both run with the owner's rights, and `swapIn` checks every
    /// key with one join before commit.
    private func clear(_ replacement: Replacement, batch: String) throws {
        switch replacement {
        case .everything(let tables):
            let list = "{" + tables.joined(separator: ",") + "}"
            try connection.query("SELECT ingest.begin_replacement(\(list)::regclass[])")
        case .batch(let table, _):
            try BatchPartition(schema: table.schema, table: table.table, connection: connection, sql: sql).begin(batch: batch)
        case .batchRows(let table, let column):
            // No read gate: loads of other values go on beside this one, and a reader sees this value's rows
            // before or after the load, whole.
            try connection.query("DELETE FROM \(identifier: table.schema, table.name) WHERE \(identifier: column) = \(batch)")
        case .none(let table, _), .merge(_, let table):
            try connection.query("SELECT ingest.close_read_gate(\(table.schema))")
        }
    }

    /// One load of a dataset at a time; of a batch-wise dataset, one load per batch, batches of different
    /// dates alongside (`BatchPartition.lock`).
    private func lock(_ dataset: Dataset, batch: String) throws {
        switch dataset.replacement {
        case .everything, .none, .merge:
            try connection.lockForTransaction("pgpipe:dataset:\(dataset.name)")
        case .batchRows:
            try connection.lockForTransaction("pgpipe:dataset:\(dataset.name):\(batch)")
        case .batch(let table, _):
            try BatchPartition(schema: table.schema, table: table.table, connection: connection, sql: sql).lock(batch: batch)
        }
    }

    /// Finishes what `clear` began, before commit: the keys come back, or the batch's partition is swapped in.
    /// A batch load first closes its schema's read gate, and only then touches what other loads share (the
    /// labels it adds, the replaced batch's rows in other tables): the gate, held to commit, orders those
    /// steps of concurrent loads. A merge returns what it did.
    private func swapIn(_ replacement: Replacement, batch: String, newLabels: [CategorySettlement.NewLabels], staged: Int) throws -> MergeCounts? {
        switch replacement {
        case .everything:
            for labels in newLabels { try CategorySettlement(connection: connection, sql: sql).settle(labels) }
            try connection.query("SELECT ingest.end_replacement()")
        case .batch(let table, let delete):
            let partition = BatchPartition(schema: table.schema, table: table.table, connection: connection, sql: sql)
            try partition.closeReadGate()
            for labels in newLabels { try CategorySettlement(connection: connection, sql: sql).settle(labels) }
            try connection.execute(script: delete)
            try partition.swapIn(batch: batch)
        case .batchRows, .none:
            break
        case .merge(let merge, _):
            return try merge.run(connection, staged: staged)
        }
        return nil
    }

    /// Why an append is refused: a committed load of the dataset already had one of these files (by sha256).
    private func repeatedFile(dataset: String, inputs: [OpenedDataset.OpenInput]) throws -> String? {
        for open in inputs {
            let copy = try FileInput(path: open.file.path)
            try copy.readToEnd()
            let sha256 = copy.sha256Hex()
            guard let row = try connection.query(try sql.query("ingest/loaded_file.sql", [dataset, sha256])).rows.first else { continue }
            return "\(open.file.path): run \(try row.decode(Int64.self, 0)) already appended this file (sha256 \(sha256.prefix(12))…, as \(try row.decode(String.self, 1))): refused, nothing added; give --force to append it again"
        }
        return nil
    }

    struct TooManyRejects: Error {}

    /// An append whose rows repeat keys the table has: nothing is added.
    struct KeyConflict: FailureDescribing {
        let table: String
        let error: PostgresError
        var failure: Failure { .data }
        var description: String {
            "rows of the file repeat keys already in \(table) (\(error.detail ?? error.message)): nothing was added; an append adds new rows only (mode: merge updates rows by their key)"
        }
    }

    struct RefusedShrink: Error {
        let message: String
    }

    /// The server and the loader disagree about what was loaded: a bug, never a data problem.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Streams one input: each record is validated, then encoded into the COPY buffer or recorded as a reject.
    private func stream(
        _ open: inout OpenedDataset.OpenInput, of dataset: Dataset, batch: String?, rejects: RejectRecorder, context: ValidationContext, newLabels: inout [CategorySettlement.NewLabels]
    ) throws -> LoadCounts {
        let input = open.input
        try connection.query("SELECT set_config('pgpipe.source_file', \(open.source.sourceName), true)")
        for script in input.before { try run(script) }
        for case .reference(let reference) in input.columns.map(\.type) where context.lacks(reference) {
            try readKeys(of: reference, into: context)
        }
        // Each category column's lookup table: the validator sends its labels as their ids and numbers new ones.
        var lookupTables: [(column: Int, table: String)] = []
        if let schema = input.categoryLookups {
            for (index, column) in input.columns.enumerated() where column.type.isCategory {
                let rows = try connection.query("SELECT id, label FROM \(identifier: schema, column.name)").rows.map {
                    (id: try $0.decode(Int.self, 0), label: try $0.decode(String.self, 1))
                }
                open.validator.knowCategoryLabels(rows, column: column.name)
                lookupTables.append((index, Identifier.quoted(schema, column.name)))
            }
        }
        var counts = LoadCounts()
        let table = copyTarget(of: input, dataset: dataset, batch: batch)
        let format = try rowFormat(of: input, into: table, validator: &open.validator)
        // What every row begins with: the constant columns' values (a batch date or a file name).
        var prefix: [UInt8] = []
        format.beginRow(in: &prefix)
        for (column, constant) in input.copyConstants.enumerated() {
            let value = constant.value == .batch ? batch ?? "" : open.source.sourceName
            let date = constant.value == .batch ? CalendarDate(iso: value)?.daysSince2000 : nil
            format.textField(value, date: date, column: column, in: &prefix)
        }
        // After the declared columns: the record's line, and its position in a JSON array.
        let trailing = (input.copyConstants.count + input.columns.count)..<(input.copyConstants.count + input.copyColumns.count)
        // The loop's own copies of the validator and the source: reached through the `inout` input, each
        // record's calls went through dynamic exclusivity checks and a copy of the validator.
        var validator = open.validator
        let source = open.source, file = open.file
        defer { open.validator = validator }
        let copied = try connection.copyIn(
            "COPY \(identifier: table.schema, table.name) (\(identifiers: input.copyConstants.map(\.column) + input.copyColumns)) FROM STDIN\(unescaped: format.statementOptions)"
        ) { writer in
            try writer.write(format.header)
            while let record = try source.next() {
                counts.read += 1
                // The row is written as it is checked, after the constants; a rejected one is taken back.
                let verdict = try writer.withBuffer { row in
                    let start = row.count
                    row.append(contentsOf: prefix)
                    let verdict = validator.check(record, context: context, appendingTo: &row)
                    guard case .accepted = verdict else {
                        row.removeSubrange(start...)
                        return verdict
                    }
                    for column in trailing {
                        format.integerField(column == trailing.lowerBound ? record.line : record.position, column: column, in: &row)
                    }
                    format.endRow(in: &row)
                    return verdict
                }
                switch verdict {
                case .accepted:
                    counts.loaded += 1
                case .rejected(let field, let reason):
                    try rejects.record(Reject(source: source.sourceName, line: record.line, field: field, reason: reason, raw: record.raw, rawLength: record.rawLength))
                    counts.rejected += 1
                }
                progress?.update(input: input.name, rows: counts.read, bytes: file.bytesRead, totalBytes: file.size)
            }
            try writer.write(format.trailer)
        }
        progress?.finish(input: input.name, rows: counts.read, bytes: open.file.bytesRead, totalBytes: open.file.size)
        counts.lines = open.source.lines
        guard copied == counts.loaded else {
            throw LoadError(description: "COPY stored \(copied) rows of \(input.name) but \(counts.loaded) were sent")
        }
        if !lookupTables.isEmpty {
            newLabels.append(CategorySettlement.NewLabels(added: validator.addedCategories, tables: lookupTables, copyTable: table, idColumns: input.copyColumns))
        }
        for script in input.after { try run(script) }
        let lines = counts.lines.map { " (\(counts.read) records from \($0) lines)" } ?? ""
        logger.debug("\(input.name): \(counts.summaryLine) from \(open.source.sourceName)\(lines)")
        let csv = open.source as? CSVSource
        let headerLines = csv?.nonDataLines ?? 0
        if let lines = counts.lines, lines != counts.read + headerLines {
            logger.warning("\(input.name): \(counts.read) records from \(lines) lines in \(open.source.sourceName): \(lines - counts.read - headerLines) lines are blank or inside quoted fields")
        }
        if let csv, csv.emptyRows > 0 {
            logger.notice("\(input.name): \(csv.emptyRows) records of empty fields only skipped, as blank lines are")
        }
        if let csv, csv.padded > 0 {
            logger.notice("\(input.name): \(csv.padded) short records padded with nulls (padShortRows)")
        }
        return counts
    }

    private func run(_ script: LoadScript) throws {
        switch script {
        case .transform(let name): try connection.execute(script: try sql.transform(name))
        case .sql(let text): try connection.execute(script: text)
        }
    }

    /// How an input's rows are sent: in binary COPY when every column the COPY fills has a binary form for
    /// what goes into it (text, dates and integers: the server then parses no date or number), else as COPY
    /// text. The columns' types are read from the catalog, so a table changed by a migration changes the
    /// format with it.
    private func rowFormat(of input: DatasetInput, into table: (schema: String, name: String), validator: inout RowValidator) throws -> CopyRowFormat {
        let names = input.copyConstants.map(\.column) + input.copyColumns
        let text = CopyRowFormat.text, firstColumn = input.copyConstants.count
        _ = validator.write(as: text, firstColumn: firstColumn)
        let types = try connection.query(try sql.query(
            "ingest/copy_column_types.sql", [Identifier.quoted(table.schema, table.name), JSONText.text(.array(names.map { .string($0) }))]
        )).rows.compactMap { $0[0].flatMap(CopyBinary.ColumnType.init(formatType:)) }
        let declared = firstColumn..<(firstColumn + input.columns.count)
        guard types.count == names.count, declared.upperBound < types.count else { return text }
        let constants = types[..<declared.lowerBound], trailing = types[declared.upperBound...]
        let binary = CopyRowFormat(binaryTypes: types)
        guard trailing.count <= 2, trailing.allSatisfy({ $0.integerRange != nil }),
            zip(input.copyConstants, constants).allSatisfy({ $0.value == .batch ? $1 == .date || $1 == .text : $1 == .text }),
            validator.write(as: binary, firstColumn: firstColumn)
        else { return text }
        return binary
    }

    /// The table an input's COPY fills: for the partitioned table of a batch-wise dataset, the batch's
    /// incoming table.
    private func copyTarget(of input: DatasetInput, dataset: Dataset, batch: String?) -> (schema: String, name: String) {
        guard case .batch(let table, _) = dataset.replacement, input.copyTable == table, let batch else { return input.copyTable }
        return (table.schema, BatchPartition(schema: table.schema, table: table.table, connection: connection, sql: sql).incoming(batch: batch))
    }

    /// Reads a reference's keys in the load's transaction, after the inputs that fill the tables it reads.
    private func readKeys(of reference: Reference, into context: ValidationContext) throws {
        var keys: [String: [ValidationContext.Target]] = [:]
        for row in try connection.query(SQLQuery(unescaped: reference.query)).rows {
            keys[row[0] ?? "", default: []].append(ValidationContext.Target(id: row[1] ?? "", label: row[2] ?? ""))
        }
        context.store(reference, keys: keys)
    }
}
