import ArgumentParser
import CommandSupport
import Failures
import Foundation
import Hummingbird
import Logging
import Postgres
import Schema
import Serving

@main
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the registered models over HTTP: POST /predict/{model}, GET /models, /health, /ready, /metrics, /openapi.yaml.",
        discussion: """
            Reads the models in ml.models at start, on POST /models/reload, and when a new version is registered \
            (checked every --refresh seconds), and answers predictions from memory. Connects like ingest and \
            summary (--database-url, DATABASE_URL, PG*, DATABASE_PASSWORD_FILE). It may read the models from a hot \
            standby and write what it served to the primary (--log-database-url).
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Option(help: "Records one POST /predict may hold.")
    var maxRecords = 1000

    @Option(help: "Bytes a request body may have.")
    var maxBodyBytes = 1 << 20

    @Option(help: "Seconds a client may take to send a request body (then 408); a connection silent 5 s longer is closed.")
    var clientTimeout = 30

    @Option(help: "Seconds between checks for a newly registered model version.")
    var refresh = 30

    @Option(help: "The OpenAPI document served at /openapi.yaml.")
    var openapi = "openapi.yaml"

    @Option(help: "The folder holding queries/.")
    var sql = "sql"

    @Option(help: "Where served predictions are written (ml.served_predictions), when --database-url is a hot standby that can only be read: the primary's postgresql:// URL. Default: the database the models are read from.")
    var logDatabaseURL: String?

    @Option(help: ArgumentHelp("A local folder each served prediction is appended to before it is answered: what a killed serve had not yet recorded in ml.served_predictions is recorded by the next serve started on the same folder (one serve per folder; made if missing). Without it, up to a second of answers (more while the database is down) can be lost to a crash.", valueName: "folder"))
    var journal: String?

    @Option(help: "A file holding the token POST /models/reload asks for (Authorization: Bearer <token>), as Docker and Kubernetes mount secrets. Without it only clients on this machine may reload.")
    var reloadTokenFile: String?

    @Flag(help: "Ask the service on --host and --port whether it is ready (GET /ready) and exit 0 if it is, 1 if not: a health check for images without an HTTP client.")
    var probe = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 (any free port) to 65535") }
        guard maxRecords >= 1 else { throw ValidationError("--max-records must be 1 or more") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be 1024 or more") }
        guard (1...3600).contains(clientTimeout) else { throw ValidationError("--client-timeout must be 1 to 3600 seconds") }
        guard refresh >= 1 else { throw ValidationError("--refresh must be 1 or more") }
    }

    func run() async throws {
        if probe { throw ExitCode(Probe.ready(host: host, port: port) ? 0 : 1) }
        let logger = connection.logger("serve")
        let configuration: PostgresConfiguration
        let logConfiguration: PostgresConfiguration
        let spec: Data
        let reloadToken: [UInt8]?
        let log: PredictionLog
        let metrics = ServeMetrics()
        do {
            reloadToken = try reloadTokenFile.map { Array(try PostgresConfiguration.readSecret($0).utf8) }
            let environment = ProcessInfo.processInfo.environment
            configuration = try PostgresConfiguration.resolve(url: connection.databaseURL, environment: environment)
            logConfiguration = try logDatabaseURL.map { try PostgresConfiguration.resolve(url: $0, environment: environment) } ?? configuration
            // A hot standby refuses every write for as long as serve runs; a database not reachable yet is
            // left to the recorder, which retries.
            if let recorder = try? Connection(logConfiguration), try recorder.isStandby() {
                throw ConfigurationError("\(logDatabaseURL == nil ? "the database" : "--log-database-url") is a hot standby, which cannot record served predictions in ml.served_predictions: give --log-database-url the primary's URL")
            }
            guard let data = FileManager.default.contents(atPath: openapi) else {
                throw ValidationError("\(openapi): cannot read the OpenAPI document")
            }
            spec = data
            log = try PredictionLog(
                configuration: logConfiguration, metrics: metrics, logger: logger, journal: journal.map { ($0, SQLFolder(root: sql)) })
        } catch {
            try exitingWithStatus("serve") { throw error }
            return
        }
        let loader = ModelLoader(configuration: configuration, sql: SQLFolder(root: sql), logger: logger)
        let catalog = ModelCatalog()
        let status = DatabaseStatus(configuration: configuration)
        let reloader = Reloader()
        @Sendable func reload() async throws {
            try await reloader.run {
                let (models, newest, failed) = try await Blocking.run { try loader.load() }
                catalog.replace(loaded: models, failed: failed, newestModelID: newest)
                metrics.reloaded(models: catalog.all.count)
                logger.info("serving \(catalog.all.map { "\($0.name) v\($0.version)" }.joined(separator: ", "))")
            }
        }
        do {
            try await reload()
        } catch {
            logger.error("no models yet (\(error)); /ready says 503 until they load")
        }
        log.start()
        defer { log.stop() }
        let endpoints = ServeEndpoints(
            catalog: catalog, settings: ServeSettings(
                maxRecords: maxRecords, maxBodyBytes: maxBodyBytes, openAPI: Array(spec), bodyTimeout: .seconds(clientTimeout),
                reloadToken: reloadToken),
            metrics: metrics, reload: reload, databaseReachable: { status.reachable }, log: log)
        let app = Application(
            router: endpoints.router(),
            // A client that sends nothing does not hold a connection for ever (nor one that trickles a body:
            // ServeEndpoints answers it 408). The connection's limit is 5 s past the body's, so that a body cut
            // short still gets its 408 before the connection is closed.
            server: .http1(configuration: .init(additionalChannelHandlers: [ParserErrorProblem()], idleTimeout: .seconds(Int64(clientTimeout) + 5))),
            configuration: .init(address: .hostname(host, port: port), serverName: "pgpipe-serve"),
            logger: logger)
        // Every 5 s, on one kept connection: is the database there (for /ready), and is there a new model version
        // (reloaded at most every --refresh seconds)?
        let refresh = refresh
        let watcher = Task {
            var lastReload = ContinuousClock.now
            while !Task.isCancelled {
                let newest = try? await Blocking.run { status.refresh() }
                if let newest, newest != catalog.newest || catalog.isEmpty, ContinuousClock.now - lastReload >= .seconds(refresh) {
                    lastReload = ContinuousClock.now
                    try? await reload()
                }
                try? await Task.sleep(for: .seconds(5))
            }
        }
        defer { watcher.cancel() }
        try await app.runService()
    }
}

/// One reload at a time: a caller arriving while one runs waits for it instead of starting another.
actor Reloader {
    private var running: Task<Void, Error>?

    func run(_ work: @escaping @Sendable () async throws -> Void) async throws {
        if let running { return try await running.value }
        let task = Task { try await work() }
        running = task
        defer { running = nil }
        try await task.value
    }
}

/// Runs blocking work (libpq) on a thread of its own, off the event loop.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}

/// GET /ready over a plain socket: the image has no curl.
enum Probe {
    static func ready(host: String, port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "0.0.0.0" ? "127.0.0.1" : host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return false }
        let request = Array("GET /ready HTTP/1.0\r\nHost: localhost\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        let status = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
        return status.hasPrefix("HTTP/1.1 200") || status.hasPrefix("HTTP/1.0 200")
    }
}
