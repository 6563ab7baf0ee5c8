import ArgumentParser
import CommandSupport
import Validation

/// The whole ingest job in one command, for `scripts/run` and the compose service: each step is the same
/// subcommand a person would run, parsed from its own arguments.
struct LoadAll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Load everything in the data folder: people and places; the census sample as a batch, scored; the accident sources, reconciled, with the severity model.",
        discussion: "Runs every step even when one has rejects; exits with the worst status of the steps.")

    @Option(help: "The data folder.")
    var dataDir = "data"

    @Option(help: "The census sample's batch date, YYYY-MM-DD. Default: today (UTC).", transform: CalendarDate.argument)
    var batchDate: CalendarDate?

    @Flag(help: "No progress bar or progress log lines.")
    var quiet = false

    @Flag(help: "Replace each previous load however small the new one is (see `ingest load --shrink-limit`).")
    var allowShrink = false

    @Flag(help: "Accept a census batch date outside the usual window.")
    var anyBatchDate = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        var shared = ["--sql", database.sql, "--log-level", database.connection.logLevel.rawValue]
        if let url = database.connection.databaseURL { shared += ["--database-url", url] }
        if quiet { shared.append("--quiet") }
        if allowShrink { shared.append("--allow-shrink") }
        let steps = [
            ["load", "people", "--data-dir", dataDir],
            ["census", "\(dataDir)/census/census_income_sample.csv", "--data-dir", dataDir]
                + (batchDate.map { ["--batch-date", $0.description] } ?? []) + (anyBatchDate ? ["--any-batch-date"] : []),
            ["accidents", "--data-dir", dataDir],
        ]
        var worst: Int32 = 0
        for step in steps {
            do {
                var command = try Ingest.parseAsRoot(step + shared)
                try command.run()
            } catch let exit as ExitCode {
                // The step has printed its own error line; a data error does not stop the next dataset.
                guard exit.rawValue == ExitStatus.dataError else { throw exit }
                worst = max(worst, exit.rawValue)
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
