import ArgumentParser
import CommandSupport
import Reporting

@main
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Run the SQL reports in sql/reports and write each as NAME.json and NAME.csv.",
        discussion: """
            All reports read one snapshot of the database (a read-only, repeatable-read transaction). \
            Connects with --database-url, else DATABASE_URL, else libpq's PG* variables; the password may come \
            from the file DATABASE_PASSWORD_FILE names. The pgpipe_summary role has all it needs.

            Exit status: 0 written; 64 an unknown report name; 66 the reports folder is missing; \
            69 the database is unreachable; 73 an output file cannot or must not be written (a directory, a \
            device); 75 loads held the data past --wait-for-loads; 77 authentication failed or the role may not \
            read a table; 78 a connection setting or the password file is wrong.
            """)

    @Argument(help: "Reports to run, by file name without .sql. Default: all of them.")
    var reports: [String] = []

    @Option(help: "The folder the reports are written to.")
    var output = "data"

    @Option(help: "The folder of report queries.")
    var reportsDir = "sql/reports"

    @Option(help: "Seconds to wait for loads that are replacing data before giving up (exit 75).")
    var waitForLoads = 600

    @Flag(help: "List the reports and exit.")
    var list = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (1...2_000_000).contains(waitForLoads) else { throw ValidationError("--wait-for-loads must be 1 to 2000000 seconds") }
    }

    func run() throws {
        try exitingWithStatus("summary", writeReports)
    }

    private func writeReports() throws -> Int32 {
        let selected = try ReportCatalog(directory: reportsDir).select(reports)
        if list {
            for report in selected { print("\(report.name): \(report.description)") }
            return 0
        }
        let logger = connection.logger("summary")
        try ReportRunner(connection: try connection.connect(), outputDirectory: output, waitForLoads: waitForLoads).run(selected) { written in
            logger.info("\(written.report): \(written.rows) rows → \(written.files.joined(separator: ", "))")
        }
        return 0
    }
}
