import ArgumentParser
import CommandSupport
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
            summary (--database-url, DATABASE_URL, PG*, DATABASE_PASSWORD_FILE).
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Option(help: "Records one POST /predict may hold.")
    var maxRecords = 1000

    @Option(help: "Bytes a request body may have.")
    var maxBodyBytes = 4 << 20

    @Option(help: "Seconds between checks for a newly registered model version.")
    var refresh = 30

    @Option(help: "The OpenAPI document served at /openapi.yaml.")
    var openapi = "openapi.yaml"

    @Option(help: "The folder holding queries/.")
    var sql = "sql"

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard maxRecords >= 1 else { throw ValidationError("--max-records must be 1 or more") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be 1024 or more") }
        guard refresh >= 1 else { throw ValidationError("--refresh must be 1 or more") }
    }

    func run() async throws {
        let logger = connection.logger("serve")
        let configuration: PostgresConfiguration
        let spec: Data
        do {
            configuration = try PostgresConfiguration.resolve(url: connection.databaseURL, environment: ProcessInfo.processInfo.environment)
            guard let data = FileManager.default.contents(atPath: openapi) else {
                throw ValidationError("\(openapi): cannot read the OpenAPI document")
            }
            spec = data
        } catch {
            try exitingWithStatus("serve") { throw error }
            return
        }
        let loader = ModelLoader(configuration: configuration, sql: SQLFolder(root: sql), logger: logger)
        let catalog = ModelCatalog()
        let metrics = ServeMetrics()
        @Sendable func reload() async throws {
            let (models, newest) = try await Blocking.run { try loader.load() }
            catalog.replace(models, newestModelID: newest)
            metrics.reloaded(models: models.count)
            logger.info("serving \(models.map { "\($0.name) v\($0.version)" }.joined(separator: ", "))")
        }
        do {
            try await reload()
        } catch {
            logger.error("no models yet (\(error)); /ready says 503 until they load")
        }
        let endpoints = ServeEndpoints(
            catalog: catalog, settings: ServeSettings(maxRecords: maxRecords, maxBodyBytes: maxBodyBytes, openAPI: Array(spec)),
            metrics: metrics, reload: reload,
            databaseReachable: { (try? await Blocking.run { try loader.ping() }) != nil })
        let refresh = refresh
        let app = Application(
            router: endpoints.router(), configuration: .init(address: .hostname(host, port: port), serverName: "pgpipe-serve"),
            onServerRunning: { channel in
                logger.info("listening on \(channel.localAddress.map { "\($0)" } ?? "?")")
            },
            logger: logger)
        // A newly registered version is picked up without a restart.
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(refresh))
                guard let newest = try? await Blocking.run({ try loader.newestModelID() }), newest != catalog.newest else { continue }
                try? await reload()
            }
        }
        defer { watcher.cancel() }
        try await app.runService()
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
