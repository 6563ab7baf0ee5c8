import ArgumentParser
import CommandSupport
import Failures
import Ingestion
import Postgres

struct WindSources: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wind",
        abstract: "Load the wind forecasts and balancing orders as delivered, assess their quality, clean, impute and join them.",
        discussion: """
            Reads <data-dir>/wind/bmrs_wind_forecast_pair.csv and <data-dir>/wind/linear_orders_raw.json (the \
            records of result.records) into wind.forecast_raw and wind.orders_raw, every value as text with its \
            line; then, in the same transaction, writes the quality findings (wind.quality), the cleaned and \
            imputed half-hours (wind.half_hours) and the orders (wind.orders, order_periods, order_steps). \
            A record the JSON cannot give (a missing key, a number where text belongs) is rejected like a bad \
            CSV row; a bad value is a quality finding, cleaned or imputed, never a reject.
            """)

    @Option(help: "The folder holding wind/.")
    var dataDir = "data"

    @Option(name: .customLong("file"), help: ArgumentHelp("Read an input (wind_forecasts, wind_orders) from another file.", valueName: "input=path"))
    var files: [InputFile] = []

    @OptionGroup var options: LoadOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        for (index, file) in files.enumerated() where files[..<index].contains(where: { $0.input == file.input }) {
            throw ValidationError("--file \(file.input)=... is given more than once")
        }
    }

    func run() throws {
        let logger = database.logger("ingest")
        try exitingWithStatus("ingest") {
            let wind = try database.catalog.dataset("wind")
            for file in files where !wind.inputs.contains(where: { $0.name == file.input }) {
                throw UsageError("--file \(file.input)=\(file.path): wind has no input \(file.input); its inputs are \(wind.inputs.map(\.name).joined(separator: ", "))")
            }
            let overrides = Dictionary(files.map { ($0.input, $0.path) }) { _, last in last }
            let opened = try OpenedDataset(wind, dataDirectory: dataDir, files: overrides)
            let (result, connection) = try options.load(
                opened, batch: nil, defaultRejects: LoadOptions.defaultRejects(dataDir: dataDir, name: "wind"), database: database, logger: logger)
            if result.status.committed {
                let row = try connection.query(try database.sqlFolder.query("wind/load_counts.sql")).rows[0]
                print("wind: \(try row.decode(Int.self, 0)) half-hours (\(try row.decode(Int.self, 1)) with imputed values), \(try row.decode(Int.self, 2)) order periods, \(try row.decode(Int.self, 3)) quality findings (report wind_quality)")
            }
            try result.recordCommitLSN(connection: connection, database: database, logger: logger)
            return result.exitStatus
        }
    }
}
