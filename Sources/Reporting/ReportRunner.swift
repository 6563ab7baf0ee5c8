import Crypto
import Failures
import Formats
import Foundation
import Postgres

/// Runs reports and writes each as NAME.json and NAME.csv in the output folder, plus each page (the weekly
/// page, the accident model card) whose reports ran; a file may be placed elsewhere by name. Every report
/// reads one snapshot (a read-only, repeatable-read transaction), so the reports agree with each other; each
/// file is renamed into place whole.
public struct ReportRunner {
    let connection: Connection
    let outputDirectory: String
    /// Files written at a path of their own instead of the output folder, by name (`summary_output.json`).
    let placed: [String: String]
    /// How long a run waits for loads that are replacing data before it gives up.
    let waitForLoads: Int

    public init(connection: Connection, outputDirectory: String, placed: [String: String] = [:], waitForLoads: Int = 600) {
        self.connection = connection
        self.outputDirectory = outputDirectory
        self.placed = placed
        self.waitForLoads = waitForLoads
    }

    /// Loads held the data longer than the run would wait.
    public struct LoadsInProgress: FailureDescribing {
        public let seconds: Int
        public let runs: String
        public var failure: Failure { .temporary }
        public var description: String {
            "loads were still replacing data after \(seconds) s (\(runs.isEmpty ? "no run is recorded as running" : "running: \(runs)")); try again later, or wait longer with --wait-for-loads"
        }
    }

    /// One report's outcome: the files written and its row count.
    public struct Written: Sendable {
        public let report: String
        public let files: [String]
        public let rows: Int
    }

    /// The names of a report's files: its JSON, then its CSV.
    static func names(of report: Report) -> [String] { ["\(report.name).json", "\(report.name).csv"] }

    /// Where a report's files are written.
    func files(of report: Report) -> [String] { Self.names(of: report).map(location) }

    func path(of page: any ReportPage.Type) -> String { location(page.name) }

    /// Where the file named `name` is written.
    func location(_ name: String) -> String { placed[name] ?? "\(outputDirectory)/\(name)" }

    /// The names of every file a run may write (each report's JSON and CSV, the pages), for `placed`.
    public static func fileNames(of reports: [Report]) -> [String] {
        reports.flatMap(names(of:)) + reportPages.map { $0.name }
    }

    /// Written last by every run: the files it wrote with their sha256, and the committed load of each dataset
    /// its snapshot saw. A file whose hash differs from the manifest's is not of that run (a run killed half
    /// way leaves its new files beside the previous run's manifest), so a reader can tell which files belong
    /// together.
    public static let manifestName = "summary_manifest.json"

    /// Runs `reports` in order, calling `written` after each file set is in place. The output folder is
    /// created if missing, and every file the run will write is checked first (a directory or device at its
    /// name stops the run before any report is written).
    ///
    /// A load replaces data in ways that are not MVCC-safe for a snapshot taken before it commits (TRUNCATE,
    /// a partition swap): such a snapshot would see the new tables but not their rows. So, before its first
    /// query takes the snapshot, the transaction locks every read gate (`ingest.read_gate_<schema>`, ACCESS
    /// SHARE, in name order; loads hold their schema's gate in ACCESS EXCLUSIVE mode while they replace data),
    /// waiting up to `waitForLoads` seconds, and every report sees the previous load or the new one, whole.
    /// Returns the reports' tables by name, with those of `alsoRead`: queries read in the same snapshot that
    /// write no file (what a caller sends on must be the data the files hold).
    @discardableResult
    public func run(_ reports: [Report], alsoRead: [String: SQLQuery] = [:], written: (Written) -> Void) throws -> [String: Table] {
        try OutputFile.makeDirectory(outputDirectory)
        for path in Set(placed.values) {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try OutputFile.makeDirectory(folder) }
        }
        for path in reports.flatMap(files(of:)) + reportPages.map(path(of:)) + ["\(outputDirectory)/\(Self.manifestName)"] {
            try OutputFile.checkTarget(path)
        }
        // Listed before the transaction: a catalogue query inside it would take the snapshot.
        let gates = try connection.query(
            "SELECT format('%I.%I', 'ingest', relname) FROM pg_class WHERE relnamespace = 'ingest'::regnamespace AND relname LIKE 'read\\_gate\\_%' ORDER BY relname"
        ).rows.map { try $0.decode(String.self, 0) }
        do {
            return try readAtOneSnapshot(reports, alsoRead: alsoRead, gates: gates, written: written)
        } catch let error as PostgresError where error.sqlState == "55P03" {
            let running = try connection.query(
                "SELECT coalesce(string_agg(format('run %s (%s)', run_id, dataset), ', ' ORDER BY run_id), '') FROM ingest.runs WHERE status = 'running'")
            throw LoadsInProgress(seconds: waitForLoads, runs: try running.rows[0].decode(String.self, 0))
        }
    }

    private func readAtOneSnapshot(_ reports: [Report], alsoRead: [String: SQLQuery], gates: [String], written: (Written) -> Void) throws -> [String: Table] {
        try connection.withTransaction(isolation: .repeatableRead, readOnly: true) {
            if !gates.isEmpty {
                // SET and LOCK take no snapshot (a SELECT would).
                try connection.query("SET LOCAL lock_timeout = \(unescaped: String(waitForLoads * 1000))")
                try connection.query("LOCK TABLE \(unescaped: gates.joined(separator: ", ")) IN ACCESS SHARE MODE")
                try connection.query("SET LOCAL lock_timeout = 0")
            }
            // Times read the same whatever the client's PGTZ: a report (and a page sent on) is the same bytes.
            try connection.query("SET LOCAL TimeZone = 'UTC'")
            // Census tables are partitioned by batch, and the reports join and sum them batch by batch: the
            // planner then joins and aggregates each batch's partitions on their own (weekly_summary over 9
            // batches of 125,000: 2.1 s instead of 6.2 s; docs/scaling.md).
            try connection.query("SET LOCAL enable_partitionwise_join = on")
            try connection.query("SET LOCAL enable_partitionwise_aggregate = on")
            var tables: [String: Table] = [:]
            var manifest = Manifest()
            func write(_ path: String, _ bytes: [UInt8]) throws {
                try OutputFile.replace(path, with: bytes)
                manifest.add(path, bytes)
            }
            for report in reports {
                let table = Self.table(try connection.query(SQLQuery(unescaped: report.sql)))
                let files = files(of: report)
                try write(files[0], try ReportFormat.json(table, shape: report.shape, report: report.name))
                try write(files[1], ReportFormat.csv(table))
                tables[report.name] = table
                written(Written(report: report.name, files: files, rows: table.rowCount))
            }
            for page in reportPages where page.sources.allSatisfy({ tables[$0] != nil }) {
                let path = path(of: page)
                try write(path, Array(page.render(tables).utf8))
                written(Written(report: page.name, files: [path], rows: page.sources.map { tables[$0]!.rowCount }.reduce(0, +)))
            }
            for (name, query) in alsoRead.sorted(by: { $0.key < $1.key }) {
                tables[name] = Self.table(try connection.query(query))
            }
            // A database without the ledger (a shard coordinator, which holds foreign tables only) has no loads to name.
            let ledger = try connection.query("SELECT to_regclass('ingest.runs') IS NOT NULL").rows[0].decode(Bool.self, 0)
            let loads = try connection.query(ledger
                ? "SELECT dataset, max(run_id)::text FROM ingest.runs WHERE status IN ('loaded', 'loaded_with_rejects') GROUP BY dataset ORDER BY dataset"
                : "SELECT NULL::text, NULL::text WHERE false")
            let snapshotTime = try connection.query("SELECT to_char(now(), 'YYYY-MM-DD\"T\"HH24:MI:SS.USOF')").rows[0].decode(String.self, 0)
            try OutputFile.replace("\(outputDirectory)/\(Self.manifestName)", with: manifest.json(
                snapshot: snapshotTime, loads: try loads.rows.map { (try $0.decode(String.self, 0), try $0.decode(String.self, 1)) }))
            return tables
        }
    }

    /// A query's rows as a table, each column's kind read from its type.
    static func table(_ result: QueryResult) -> Table {
        Table(
            columns: result.columns.map { Table.Column($0.name, kind(of: $0.typeOID)) },
            values: (0..<result.rowCount).map { row in result.columns.indices.map { result.value(row: row, column: $0) } })
    }

    /// The built-in type OIDs (pg_type.dat) a report shows other than as text.
    static func kind(of typeOID: UInt32) -> Table.Kind {
        switch typeOID {
        case 20, 21, 23, 26: .integer      // int8, int2, int4, oid
        case 700, 701, 1700: .decimal      // float4, float8, numeric
        case 16: .boolean
        case 114, 3802: .json              // json, jsonb
        default: .text
        }
    }
}

/// What one run wrote, for its manifest.
struct Manifest {
    var files: [(name: String, sha256: String, bytes: Int)] = []

    mutating func add(_ path: String, _ bytes: [UInt8]) {
        let name = String(path.split(separator: "/").last ?? Substring(path))
        files.append((name, SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(), bytes.count))
    }

    /// `{"snapshot": {"read_at", "loads": {dataset: run}}, "files": [{"name", "sha256", "bytes"}]}`.
    func json(snapshot: String, loads: [(dataset: String, run: String)]) -> [UInt8] {
        var out: [UInt8] = []
        JSONText.appendObject([
            ("snapshot", .object([("read_at", .string(snapshot)), ("loads", .object(loads.map { ($0.dataset, .number($0.run)) }))])),
            ("files", .array(files.map { .object([("name", .string($0.name)), ("sha256", .string($0.sha256)), ("bytes", .number(String($0.bytes)))]) })),
        ], to: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }
}
