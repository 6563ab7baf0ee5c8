import ArgumentParser
import CommandSupport
import Failures
import Foundation
import Logging
import Postgres
import Publishing
import Reporting
import Schema

@main
struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Run the SQL reports in sql/reports and write each as NAME.json and NAME.csv.",
        discussion: """
            All reports read one snapshot of the database (a read-only, repeatable-read transaction). \
            Connects with --database-url, else DATABASE_URL, else libpq's PG* variables; the password may come \
            from the file DATABASE_PASSWORD_FILE names. The pgpipe_summary role has all it needs.

            On a hot standby, --wait-for-run RUN (or --after-lsn LSN, as ingest logs them) reads once the standby \
            has replayed all that run wrote, so a report never lags the load before it; on the primary it waits \
            only for a run still running. --primary-url URL waits for all the primary had written when summary \
            started (the compose service summary-replica uses it).

            With --put, the rows of wind_orders_joined (when it runs) are also sent to --put-url, a PUT per page \
            of --page-size rows, each with an Idempotency-Key of the wind load, the page count and the page; a \
            page is retried on 429, 5xx, a timeout or a failed connection. Every page's outcome is recorded in \
            wind.deliveries, acknowledged or not, before the next is sent. The files are written either way.

            """ + ExitStatus.help)

    @Argument(help: "Reports to run, by file name without .sql. Default: all of them.")
    var reports: [String] = []

    @Option(help: "The folder the reports are written to.")
    var output = "data/reports"

    @Option(name: .customLong("file"), help: ArgumentHelp(
        "Write the file NAME (a report's NAME.json or NAME.csv, or a page) at PATH instead of in --output; may be given for several files. The people brief's summary_output.json=data/summary_output.json is one.",
        valueName: "name=path"))
    var files: [String] = []

    @Option(help: "The folder of report queries.")
    var reportsDir = "sql/reports"

    @Option(help: "The folder of pgpipe's SQL, whose queries/ record what --put sent.")
    var sql = "sql"

    @Option(help: "Seconds to wait for loads that are replacing data before giving up (exit 75).")
    var waitForLoads = 600

    @Option(help: ArgumentHelp("Read once the server shows all that ingest run RUN wrote (ingest.runs.commit_lsn): on a hot standby, once it has replayed it.", valueName: "run"))
    var waitForRun: Int64?

    @Option(help: ArgumentHelp("Read once the server has WAL position LSN (as ingest logs it, 0/3A2B1C8): on a hot standby, once it has replayed that far.", valueName: "lsn"))
    var afterLsn: String?

    @Option(help: ArgumentHelp("Read once the server has replayed all the primary at URL had written when summary started (its WAL position then): read-your-writes on a standby without naming a run. The password as for --database-url.", valueName: "url"))
    var primaryURL: String?

    @Option(help: "Seconds --wait-for-run, --after-lsn and --primary-url wait for a standby to replay before giving up (exit 75).")
    var replayTimeout = 60.0

    @Flag(help: "List the reports and exit.")
    var list = false

    @Flag(help: "Send the rows of wind_orders_joined to --put-url.")
    var put = false

    @Option(help: "The ingestion endpoint the wind orders are sent to. Default: PGPIPE_PUT_URL, else https://hypercube.ingestion.com/wind-orders (fictional).")
    var putURL: String?

    @Flag(help: "With --put, send every page again, also those wind.deliveries shows the endpoint acknowledged for this load.")
    var putResend = false

    @Option(help: "Rows per page sent.")
    var pageSize = 500

    @Option(help: "Attempts per page, the first included.")
    var putAttempts = 5

    @Option(help: "Seconds before the first retry of a page; each further retry waits twice as long.")
    var putRetryDelay = 0.5

    @Option(help: "Seconds one request may take.")
    var putTimeout = 10.0

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (1...2_000_000).contains(waitForLoads) else { throw ValidationError("--wait-for-loads must be 1 to 2000000 seconds") }
        guard (1...100_000).contains(pageSize) else { throw ValidationError("--page-size must be 1 to 100000 rows") }
        guard (1...20).contains(putAttempts) else { throw ValidationError("--put-attempts must be 1 to 20") }
        guard (0...60).contains(putRetryDelay), (0.1...600).contains(putTimeout) else {
            throw ValidationError("--put-retry-delay must be 0 to 60 seconds and --put-timeout 0.1 to 600")
        }
        guard (0...86_400).contains(replayTimeout) else { throw ValidationError("--replay-timeout must be 0 to 86400 seconds") }
        if let afterLsn, !ReplayWait.Target.isLSN(afterLsn) {
            throw ValidationError("--after-lsn \(afterLsn): not a WAL position (two hexadecimal numbers split by a slash, as 0/3A2B1C8)")
        }
        if let waitForRun, waitForRun < 1 { throw ValidationError("--wait-for-run must be a run id, 1 or more") }
        if let putURL, let problem = Self.urlProblem(putURL) { throw ValidationError("--put-url \(putURL): \(problem)") }
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
        let database = try connection.connect()
        let publishing = put && selected.contains { $0.name == Self.published }
        if put, !publishing { logger.warning("--put: \(Self.published) is not among the reports run; nothing is sent") }
        if publishing, try database.isStandby() {
            throw ConfigurationError("--put records every page it sends in wind.deliveries, which a hot standby cannot write: run summary --put against the primary")
        }
        var targets = (waitForRun.map { [ReplayWait.Target.run($0)] } ?? []) + (afterLsn.map { [.lsn($0)] } ?? [])
        if let primaryURL {
            let primary = try Connection(PostgresConfiguration.resolve(url: primaryURL, environment: ProcessInfo.processInfo.environment))
            targets.append(try ReplayWait.everythingOn(primary: primary))
        }
        try ReplayWait(connection: database, timeout: replayTimeout).wait(for: targets)
        let tables = try ReportRunner(connection: database, outputDirectory: output, placed: try placed(selected), waitForLoads: waitForLoads).run(
            selected, alsoRead: publishing ? ["load_run": try SQLFolder(root: sql).query("wind/latest_load.sql")] : [:]
        ) { written in
            logger.info("\(written.report): \(written.rows) rows → \(written.files.joined(separator: ", "))")
        }
        if publishing, let table = tables[Self.published] {
            let loadRun = tables["load_run"]?.values.first?.first.flatMap { $0 }.flatMap { Int64($0) }
            try publish(table, loadRun: loadRun, database: database, logger: logger)
        }
        return 0
    }

    /// The --file placements, by file name; a name the run does not write, or one given twice, is a usage error.
    private func placed(_ selected: [Report]) throws -> [String: String] {
        let names = Set(ReportRunner.fileNames(of: selected))
        var placed: [String: String] = [:]
        for file in files {
            guard let equals = file.firstIndex(of: "="), equals != file.startIndex, file.index(after: equals) != file.endIndex else {
                throw UsageError("--file \(file): expected NAME=PATH, as summary_output.json=data/summary_output.json")
            }
            let name = String(file[..<equals]), path = String(file[file.index(after: equals)...])
            guard names.contains(name) else {
                throw UsageError("--file \(file): this run writes no file \(name)\(Self.closest(to: name, in: names).map { " (did you mean \($0)?)" } ?? ""); it writes each report's NAME.json and NAME.csv (summary --list) and the pages \(reportPages.map { $0.name }.joined(separator: ", "))")
            }
            guard placed.updateValue(path, forKey: name) == nil else { throw UsageError("--file \(name) is given twice") }
        }
        return placed
    }

    /// The name in `names` a mistyped `name` most likely meant: within two edits (ignoring case), the nearest.
    static func closest(to name: String, in names: Set<String>) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var current = [i + 1]
                for (j, y) in b.enumerated() { current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))) }
                previous = current
            }
            return previous[b.count]
        }
        let typed = Array(name.lowercased())
        return names.map { ($0, distance(typed, Array($0.lowercased()))) }.filter { $0.1 <= 2 }.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
    }

    /// Why `text` cannot be the endpoint, or nil: an http or https URL with a host.
    static func urlProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            return "not an http:// or https:// URL"
        }
        guard let host = url.host, !host.isEmpty else { return "the URL has no host" }
        if let port = url.port, !(1...65535).contains(port) { return "port \(port) is not one of 1 to 65535" }
        return nil
    }

    /// The report sent on with --put, and the wind load its rows come from, read in the reports' snapshot.
    static let published = "wind_orders_joined"

    private func publish(_ table: Table, loadRun: Int64?, database: Connection, logger: Logger) throws {
        let sql = SQLFolder(root: self.sql)
        guard let loadRun else {
            throw DataError(path: Self.published, reason: "--put: no committed wind load to send; run `ingest wind` first")
        }
        let fromEnvironment = ProcessInfo.processInfo.environment["PGPIPE_PUT_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let url = putURL ?? fromEnvironment ?? "https://hypercube.ingestion.com/wind-orders"
        if let problem = Self.urlProblem(url) { throw ConfigurationError("PGPIPE_PUT_URL \(url): \(problem)") }
        let settings = PagedPut.Settings(url: url, pageSize: pageSize, attempts: putAttempts, firstRetryDelay: putRetryDelay, timeout: putTimeout)
        // Pages the endpoint took before, for this load, are not sent again unless asked.
        let acknowledged: Set<String> = putResend ? [] : Set(try database.query(
            try sql.query("wind/acknowledged_pages.sql", [loadRun, settings.shownURL])
        ).rows.map { try $0.decode(String.self, 0) })
        let (pages, sent) = try PagedPut(settings: settings, logger: logger).send(table, report: Self.published, loadRun: loadRun, acknowledged: acknowledged) { outcome in
            try database.query(try sql.query("wind/record_delivery.sql", [
                loadRun, settings.shownURL, outcome.page, outcome.pages, outcome.rows, outcome.idempotencyKey, outcome.status,
                outcome.acknowledged, outcome.attempts, outcome.milliseconds, outcome.error,
            ]))
        }
        let before = pages - sent
        print("\(Self.published): \(table.rowCount) rows in \(pages) pages, each acknowledged by \(settings.shownURL)\(before > 0 ? " (\(before) of them in an earlier run, not sent again)" : "")")
    }
}
