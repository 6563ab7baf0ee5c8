import ArgumentParser
import CommandSupport
import Failures
import Ingestion
import Postgres

/// `ingest plan`: the DDL a contract needs, read from the database as it is; nothing is changed.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the DDL a dataset contract needs: its table created, or the changes from the table deployed.",
        discussion: "Changes nothing; `ingest apply` runs the same statements. Exit status 0 whether or not there is something to apply.")

    @Option(help: ArgumentHelp("The contract file (YAML).", valueName: "file"))
    var contract: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try exitingWithStatus("ingest") {
            let contract = try ContractReader.read(contract)
            guard let declared = contract.declaredTable else {
                print("-- \(contract.name): its tables are sql/migrations', which `ingest migrate` applies; nothing to plan")
                return 0
            }
            let table = ContractTable(contract, sql: database.sqlFolder)
            let connection = try database.connect()
            let pending = try Migrator(sql: database.sqlFolder, logger: database.logger("ingest")).pending(connection)
            let plan = try table.plan(connection)
            if !pending.isEmpty { print("-- first, as the administrator: the migrations this database lacks (\(pending.map(\.name).joined(separator: ", ")))") }
            guard !plan.isEmpty else {
                print("-- \(declared) matches \(contract.file): nothing to apply")
                return 0
            }
            if plan.statements.isEmpty { print("-- \(declared) matches \(contract.file); apply records the contract (sha256 \(table.checksum.prefix(12))…)") }
            for statement in plan.statements { print("\(statement);") }
            if plan.losesData { print("-- these changes lose data: `ingest apply` needs --allow-data-loss") }
            return 0
        }
    }
}

/// `ingest apply`: runs the plan as the administrator, recorded with its checksum, the table handed to the
/// product's owner with the service roles' grants.
struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or change a dataset contract's table as `ingest plan` shows, and record the contract.",
        discussion: """
            Run as the database's administrator (as `ingest migrate` is): applies the migrations the database lacks, \
            then the plan, in one transaction, recorded in ingest.contracts with the sha256 of the table's definition. \
            The table belongs to pgpipe_owner; pgpipe_ingest writes it and pgpipe_summary reads it. A change that \
            drops a column or narrows a type is refused without --allow-data-loss.
            """)

    @Option(help: ArgumentHelp("The contract file (YAML).", valueName: "file"))
    var contract: String

    @Flag(help: "Apply changes that lose data (a column dropped, a type narrowed).")
    var allowDataLoss = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try exitingWithStatus("ingest") {
            let contract = try ContractReader.read(contract)
            try database.catalog.checkName(of: contract)
            let connection = try database.connect()
            try database.migrate(connection, logger: database.logger("ingest"))
            guard let declared = contract.declaredTable else {
                print("\(contract.name): its tables are sql/migrations', up to date")
                return 0
            }
            let table = ContractTable(contract, sql: database.sqlFolder)
            let applied = try table.apply(connection, allowDataLoss: allowDataLoss)
            print(applied.isEmpty
                ? "\(declared): up to date with \(contract.file)"
                : "\(declared): applied \(applied.count) statement\(applied.count == 1 ? "" : "s") from \(contract.file)")
            return 0
        }
    }
}

/// `ingest infer`: a draft contract for a CSV file, on standard output.
struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a draft contract for a CSV file to standard output: its dialect and its fields' types.",
        discussion: """
            Finds the encoding, delimiter, quote, escape, preamble, header and footer rows from the file's first MiB, \
            then reads every record (or the first --sample-rows) to type each field (integer, number, boolean, date \
            with its format, datetime, string), mark it required, list a few values as an enum, and name a primary \
            key. Deterministic; a close choice is written as a YAML comment with the alternatives and the evidence. \
            Needs no database. The draft loads as it is: `ingest apply`, then `ingest load --contract`.
            """)

    @Argument(help: ArgumentHelp("The CSV file (gzip is read as it is).", valueName: "path"))
    var path: String

    @Option(help: ArgumentHelp("Read only the first N records to type the fields.", valueName: "N"))
    var sampleRows: Int?

    func run() throws {
        try exitingWithStatus("ingest") {
            if let sampleRows, sampleRows < 1 { throw UsageError("--sample-rows is a number of records, 1 or more") }
            print(try ContractInference(path: path, sampleRows: sampleRows).draft(), terminator: "")
            return 0
        }
    }
}
