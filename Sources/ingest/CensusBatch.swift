import ArgumentParser
import Pipeline
import ServiceCommand

struct CensusBatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Load one daily batch of census records, replacing that batch date's records.",
        discussion: "The file has 42 fields and no header (see data/census/census_income_metadata.txt). Other batches stay.")

    @Argument(help: "The batch file.")
    var file: String

    @Option(help: "The batch's date, YYYY-MM-DD. Default: today (UTC).")
    var batchDate: String?

    @Option(help: "The folder the rejects file goes to, as census_<batch-date>_rejects.jsonl.")
    var dataDir = "data"

    @OptionGroup var options: LoadOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if let batchDate, CalendarDate(iso: batchDate) == nil {
            throw ValidationError("--batch-date \(batchDate): expected a real date written YYYY-MM-DD")
        }
    }

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let batch = batchDate ?? CalendarDate.today().description
            let opened = try OpenedDataset(.census, dataDirectory: dataDir, files: ["census": file])
            let (result, _) = try options.load(
                opened, batch: batch, defaultRejects: "\(dataDir)/census_\(batch)_rejects.jsonl", database: database, logger: logger)
            return result.exitStatus
        }
    }
}
