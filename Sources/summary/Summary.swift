import ArgumentParser
import Foundation
import Logging
import Pipeline
import Postgres

@main
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Run the SQL reports in sql/reports and write each as NAME.json and NAME.csv.",
        discussion: """
            All reports read one snapshot of the database (a read-only, repeatable-read transaction). \
            Connects with --database-url, else DATABASE_URL, else libpq's PG* variables.

            Exit status: 0 written; 64 an unknown report name; 66 the reports folder is missing; \
            69 the database is unreachable; 73 an output file cannot be written.
            """)

    @Argument(help: "Reports to run, by file name without .sql. Default: all of them.")
    var reports: [String] = []

    @Option(help: "The folder the reports are written to.")
    var output = "data"

    @Option(help: "The folder of report queries.")
    var reportsDir = "sql/reports"

    @Option(help: "A postgresql:// URL. Default: DATABASE_URL, else libpq's PG* variables.")
    var databaseURL: String?

    @Flag(help: "List the reports and exit.")
    var list = false

    func run() throws {
        let status: Int32
        do {
            status = try writeReports()
        } catch {
            var message = "\(error)"
            if let error = error as? PostgresError, ["42P01", "3F000"].contains(error.sqlState) {
                message += "; has `ingest` created and loaded the schema?"
            }
            FileHandle.standardError.write(Data("summary: error: \(message)\n".utf8))
            status = ExitStatus.of(error)
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func writeReports() throws -> Int32 {
        let selected = try ReportCatalog(directory: reportsDir).select(reports)
        if list {
            for report in selected { print("\(report.name): \(report.description)") }
            return 0
        }
        let connection = try Connection(PostgresConfiguration.resolve(url: databaseURL, environment: ProcessInfo.processInfo.environment))
        let writer = ReportWriter(connection: connection, outputDirectory: output)
        try connection.execute(script: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for report in selected {
            let written = try writer.write(report)
            print("\(report.name): \(written.rows) rows → \(written.files.joined(separator: ", "))")
        }
        try connection.execute(script: "COMMIT")
        return 0
    }
}
