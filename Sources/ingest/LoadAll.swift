import ArgumentParser
import Failures
import Foundation
import CommandSupport
import Validation

/// The whole ingest job in one command, for `scripts/run` and the compose service: each step is the same
/// subcommand a person would run, parsed from its own arguments.
struct LoadAll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Load everything in the data folder: people and places; the census days (or the sample as one batch), scored; the accident sources, reconciled, with the severity model; the wind forecasts and orders.",
        discussion: """
            The census data is each census/incoming/YYYY-MM-DD.csv as the batch of its date, in date order (see \
            `ingest census-split`), or, when there is none, census/census_income_sample.csv as the batch of \
            --batch-date. Runs every step even when one has rejects; exits with the worst status of the steps.
            """)

    @Option(help: "The data folder.")
    var dataDir = "data"

    @Option(help: "The census sample's batch date, YYYY-MM-DD, when there are no daily files. Default: today (UTC).", transform: CalendarDate.argument)
    var batchDate: CalendarDate?

    @Flag(help: "No progress bar or progress log lines.")
    var quiet = false

    @Flag(help: "Replace each previous load however small the new one is (see `ingest load --shrink-limit`).")
    var allowShrink = false

    @Flag(help: "Accept a census batch date outside the usual window.")
    var anyBatchDate = false

    @Flag(help: "Load the daily files in census/incoming and only warn about other names there (by default another name, such as 2026-13-01.csv or 2026-10-26.CSV, fails the run with 66 before anything is loaded).")
    var ignoreOtherFiles = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        var shared = ["--sql", database.sql, "--datasets", database.datasets, "--log-level", database.connection.logLevel.rawValue]
        if let url = database.connection.databaseURL { shared += ["--database-url", url] }
        if quiet { shared.append("--quiet") }
        if allowShrink { shared.append("--allow-shrink") }
        let any = anyBatchDate ? ["--any-batch-date"] : []
        let incoming = "\(dataDir)/census/incoming"
        let found = Self.censusDays(in: incoming)
        let logger = database.logger("ingest")
        // Every day is checked before any is loaded: one bad file stops the run before it starts. A file whose
        // name is not a day's (a misspelt date, .CSV) would be a day silently missing: it stops the run too,
        // unless told to ignore it; a hidden file (.gitkeep) is only named in a warning.
        try exitingWithStatus("ingest") {
            for name in found.ignored {
                guard ignoreOtherFiles || name.hasPrefix(".") else {
                    throw InputError(path: "\(incoming)/\(name)", reason: "is not a daily file (named YYYY-MM-DD.csv, a real date): rename it, move it away, or give --ignore-other-files")
                }
                logger.warning("\(incoming)/\(name): ignored, not a daily file (named YYYY-MM-DD.csv)")
            }
            for day in found.files {
                let path = "\(incoming)/\(day.name)"
                if !anyBatchDate, !(BatchDateWindow.earliest...BatchDateWindow.latest).contains(day.date) {
                    throw InputError(path: path, reason: "\(day.date) is outside \(BatchDateWindow.earliest)...\(BatchDateWindow.latest); give --any-batch-date if it is right")
                }
                guard FileKind.at(path) == .regular else { throw InputError(path: path, reason: "is not a regular file") }
            }
            return 0
        }
        if found.files.isEmpty { logger.info("no daily files in \(incoming): loading \(dataDir)/census/census_income_sample.csv as one batch") }
        let days = found.files.map(\.date)
        let census = days.isEmpty
            ? [["census", "\(dataDir)/census/census_income_sample.csv", "--data-dir", dataDir] + (batchDate.map { ["--batch-date", $0.description] } ?? []) + any]
            : days.map { ["census", "\(dataDir)/census/incoming/\($0).csv", "--batch-date", $0.description, "--data-dir", dataDir] + any }
        let steps = [["load", "people", "--data-dir", dataDir]] + census + [["accidents", "--data-dir", dataDir], ["wind", "--data-dir", dataDir]]
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

    /// The daily files in `folder` (named YYYY-MM-DD.csv, a real date), in date order, and the other names.
    static func censusDays(in folder: String) -> (files: [(date: CalendarDate, name: String)], ignored: [String]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var files: [(date: CalendarDate, name: String)] = [], ignored: [String] = []
        for name in names {
            if name.hasSuffix(".csv"), name.count == 14, let date = CalendarDate(iso: String(name.dropLast(4))) { files.append((date, name)) }
            else { ignored.append(name) }
        }
        return (files.sorted { $0.date < $1.date }, ignored)
    }
}
