import ArgumentParser
import CommandSupport
import Ingestion
import ModelStore
import Postgres

struct AccidentSources: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accidents",
        abstract: "Load the accident sources (lookups, three CSV exports, the legacy SQLite database), reconcile them and train the severity model.",
        discussion: """
            Reads <data-dir>/accidents/: lookups/*.csv, cond.csv, police.csv, response.csv and de.db (tables police \
            and response). Where the CSV export and the database disagree, --prefer decides; every difference is \
            in accident.reconciliation.
            """)

    enum Side: String, ExpressibleByArgument, CaseIterable {
        case csv, database
    }

    @Option(help: "The folder holding accidents/.")
    var dataDir = "data"

    @Option(help: "Which source's value is kept when the CSV export and the legacy database disagree.")
    var prefer: Side = .csv

    @Flag(help: "Only load and reconcile; do not train the severity model.")
    var noTrain = false

    @OptionGroup var options: LoadOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let opened = try OpenedDataset(try database.catalog.dataset("accidents"), dataDirectory: dataDir)
            let (result, connection) = try options.load(
                opened, batch: nil, settings: ["prefer": prefer.rawValue],
                defaultRejects: LoadOptions.defaultRejects(dataDir: dataDir, name: "accidents"), database: database, logger: logger)
            if result.status.committed {
                let kinds = try connection.query(try database.sqlFolder.query("accidents/reconciliation_kinds.sql")).rows
                let summary = try kinds.map { "\(try $0.decode(String.self, 0)) \(try $0.decode(Int.self, 1))" }
                print("reconciliation: " + (summary.isEmpty ? "the sources agree" : summary.joined(separator: ", ")))
                if !noTrain {
                    let trained = try AccidentTrainer(connection: connection, sql: database.sqlFolder, logger: logger).train(trainingRun: result.run)
                    print("model: balanced accuracy \(trained.test.balancedAccuracy), log loss \(trained.test.logLoss) on the test split; majority class \(trained.baseline.balancedAccuracy), \(trained.baseline.logLoss)")
                }
            }
            try result.recordCommitLSN(connection: connection, database: database, logger: logger)
            return result.exitStatus
        }
    }
}
