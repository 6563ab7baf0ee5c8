import Foundation
import Formats
import Hummingbird
import Logging
import Prometheus

/// How the service is set up.
public struct ServeSettings: Sendable {
    /// Records one POST /predict may hold.
    public var maxRecords = 1000
    /// Bytes a request body may have.
    public var maxBodyBytes = 1 << 20
    /// The OpenAPI document served at /openapi.yaml.
    public var openAPI: [UInt8] = []
    /// How long a client may take to send a request body (a client trickling bytes is answered 408).
    public var bodyTimeout: Duration = .seconds(30)

    public init(maxRecords: Int = 1000, maxBodyBytes: Int = 1 << 20, openAPI: [UInt8] = [], bodyTimeout: Duration = .seconds(30)) {
        self.maxRecords = maxRecords
        self.maxBodyBytes = maxBodyBytes
        self.openAPI = openAPI
        self.bodyTimeout = bodyTimeout
    }
}

/// What the service's routes do, apart from how they are wired: each answer is a status, a content type and
/// bytes, so the routes can be tested without a server.
public struct ServeEndpoints: Sendable {
    public let catalog: ModelCatalog
    public let settings: ServeSettings
    public let metrics: ServeMetrics
    /// Reloads the catalogue from the database (off the event loop); nil when the service has no database.
    public let reload: (@Sendable () async throws -> Void)?
    /// Whether the database answers (off the event loop).
    public let databaseReachable: @Sendable () async -> Bool
    /// Where served predictions are recorded; nil records nothing.
    public let log: PredictionLog?

    public init(
        catalog: ModelCatalog, settings: ServeSettings, metrics: ServeMetrics,
        reload: (@Sendable () async throws -> Void)?, databaseReachable: @escaping @Sendable () async -> Bool,
        log: PredictionLog? = nil
    ) {
        self.catalog = catalog
        self.settings = settings
        self.metrics = metrics
        self.reload = reload
        self.databaseReachable = databaseReachable
        self.log = log
    }

    /// The routes, as openapi.yaml lists them: method and path template.
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/"), ("GET", "/health"), ("GET", "/ready"), ("GET", "/models"), ("POST", "/models/reload"),
        ("POST", "/predict/{model}"), ("GET", "/metrics"), ("GET", "/openapi.yaml"),
    ]

    /// The methods a path has (`GET`, `POST`), nil when no route template matches it.
    public static func methods(allowedOn path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let methods = routes.filter { route in
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return template.count == segments.count
                && zip(template, segments).allSatisfy { $0 == $1 || ($0.hasPrefix("{") && !$1.isEmpty) }
        }.map(\.method)
        return methods.isEmpty ? nil : methods.sorted().joined(separator: ", ")
    }

    public struct Answer: Sendable {
        public let status: Int
        public let contentType: String
        public let body: [UInt8]

        static func json(_ status: Int, _ body: [UInt8]) -> Answer { Answer(status: status, contentType: "application/json", body: body) }
        static func problem(_ problem: Problem) -> Answer { Answer(status: problem.status, contentType: Problem.contentType, body: problem.json) }
        static func object(_ members: [(String, JSONText.Value)], status: Int = 200) -> Answer {
            var out: [UInt8] = []
            JSONText.appendObject(members, to: &out)
            return json(status, out)
        }
    }

    /// Bad fields listed in one problem at most.
    static let errorsShown = 100

    /// GET /: a form per model to try it in a browser.
    public func page() -> Answer {
        Answer(status: 200, contentType: "text/html; charset=utf-8", body: Array(ServePage.html(catalog.all).utf8))
    }

    public func health() -> Answer { .object([("status", .string("up"))]) }

    public func ready() async -> Answer {
        let reachable = await databaseReachable()
        let loaded = !catalog.isEmpty
        return .object(
            [("status", .string(loaded && reachable ? "ready" : "not ready")), ("models_loaded", .bool(loaded)), ("database_reachable", .bool(reachable))],
            status: loaded && reachable ? 200 : 503)
    }

    public func models() -> Answer {
        .object([("models", .array(catalog.all.map { model in
            .object([
                ("name", .string(model.name)), ("version", .number(String(model.version))), ("kind", .string(model.kind)),
                ("inputs", .array(model.inputs.map(JSONText.Value.string))),
                ("features", .array(model.features.map(JSONText.Value.string))),
                ("training_data", model.trainingData.map(JSONText.Value.string) ?? .null),
                ("metrics", .object(model.metrics.map { ($0.0, .double($0.1)) })),
            ])
        }))])
    }

    public func reloadModels() async -> Answer {
        guard let reload else { return .problem(Problem(status: 503, title: "Service Unavailable", detail: "this service has no database to reload from")) }
        do {
            try await reload()
            return .object([("models", .number(String(catalog.all.count)))])
        } catch {
            return .problem(Problem(status: 503, title: "Service Unavailable", detail: "the models could not be read from the database; the ones loaded before are still served (the service's log says why)"))
        }
    }

    /// What can be refused before the body is read: the content type, the model and version. The model to
    /// answer with, or the problem.
    public func admit(model name: String, version: String?, contentType: String?) -> Result<ServedModel, Problem> {
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            return .failure(Problem(status: 415, title: "Unsupported Media Type", detail: "send the records as application/json, not \(contentType ?? "no content type")"))
        }
        if catalog.isEmpty {
            return .failure(Problem(status: 503, title: "Service Unavailable", detail: "no model is loaded yet; /ready says when"))
        }
        return lookUp(name, version: version)
    }

    private func lookUp(_ name: String, version: String?) -> Result<ServedModel, Problem> {
        var requested: Int?
        if let version {
            // A whole number too large for any version is a version that does not exist (404), not bad input.
            let digits = !version.isEmpty && version.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            guard let number = Int(version) ?? (digits ? Int.max : nil), number >= 1 else {
                return .failure(Problem(status: 422, title: "Unprocessable Content", detail: "version must be a whole number from 1", errors: [.init(record: 0, field: "version", reason: "\"\(version)\" is not a version")]))
            }
            requested = number
        }
        guard let model = catalog.model(name, version: requested) else {
            let known = catalog.all.map { "\($0.name) v\($0.version)" }.joined(separator: ", ")
            return .failure(Problem(status: 404, title: "Not Found", detail: "no model \(name)\(requested.map { " version \($0)" } ?? ""); served: \(known.isEmpty ? "none" : known)"))
        }
        return .success(model)
    }

    /// POST /predict/{model}: one record (an object) or up to `maxRecords` of them (an array).
    public func predict(model name: String, version: String?, contentType: String?, body: [UInt8]) -> Answer {
        let model: ServedModel
        switch admit(model: name, version: version, contentType: contentType) {
        case .success(let admitted): model = admitted
        case .failure(let problem): return .problem(problem)
        }
        // Cheap checks first: a body over the record limit, or nested deeper than any record, is refused
        // before it costs a parse.
        let shape = JSONValue.shape(body)
        if let count = shape.records, count > settings.maxRecords {
            return .problem(Problem(status: 413, title: "Content Too Large", detail: "\(count) records; one request may hold \(settings.maxRecords)"))
        }
        guard shape.depth <= 3 else {
            return .problem(Problem(status: 422, title: "Unprocessable Content", detail: "records are objects of plain values; this body nests \(shape.depth) levels deep"))
        }
        guard let (document, ranges) = JSONValue.parseRecords(body) else {
            return .problem(Problem(status: 400, title: "Bad Request", detail: "the body is not JSON"))
        }
        let records: [JSONValue]
        switch document {
        case .array(let list):
            guard !list.isEmpty else { return .problem(Problem(status: 422, title: "Unprocessable Content", detail: "the array holds no record")) }
            guard list.count <= settings.maxRecords else {
                return .problem(Problem(status: 413, title: "Content Too Large", detail: "\(list.count) records; one request may hold \(settings.maxRecords)"))
            }
            records = list
        default:
            records = [document]
        }
        let (encoded, errors) = model.answers(records)
        guard errors.isEmpty else {
            let shown = Array(errors.prefix(Self.errorsShown))
            let more = errors.count > shown.count ? "; the first \(shown.count) of \(errors.count) bad fields are listed" : ""
            return .problem(Problem(status: 422, title: "Unprocessable Content", detail: "\(Set(errors.map(\.record)).count) of \(records.count) records have bad fields\(more)", errors: shown))
        }
        metrics.predicted(model: model.name, version: model.version, count: encoded.count)
        // Each answer written once: for the response, and for the log beside the record as it was sent.
        if let log {
            let servedAt = PredictionLog.now()
            for (range, output) in zip(ranges, encoded) {
                log.record(modelID: model.id, inputs: Array(body[range]), output: output, servedAt: servedAt)
            }
        }
        guard case .array = document else { return .json(200, encoded[0]) }
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(encoded.reduce(2) { $0 + $1.count + 1 })
        for (index, answer) in encoded.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += answer
        }
        out.append(UInt8(ascii: "]"))
        return .json(200, out)
    }

    public func openAPI() -> Answer { Answer(status: 200, contentType: "application/yaml", body: settings.openAPI) }

    public func prometheus() -> Answer {
        Answer(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
    }

    /// The Hummingbird router over these endpoints, with problem+json for every error and metrics per route.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemMiddleware(metrics: metrics))
        router.get("/") { _, _ in
            var response = respond(page())
            response.headers[.contentSecurityPolicy] = ServePage.contentSecurityPolicy
            return response
        }
        router.get("/health") { _, _ in respond(health()) }
        router.get("/ready") { _, _ in respond(await ready()) }
        router.get("/models") { _, _ in respond(models()) }
        router.post("/models/reload") { _, _ in respond(await reloadModels()) }
        router.get("/metrics") { _, _ in respond(prometheus()) }
        router.get("/openapi.yaml") { _, _ in respond(openAPI()) }
        router.post("/predict/{model}") { request, context in
            let model = context.parameters.get("model") ?? "", version = request.uri.queryParameters.get("version").map { String($0) }
            // Refused before the body is read, when it can be.
            if case .failure(let problem) = admit(model: model, version: version, contentType: request.headers[.contentType]) { return respond(.problem(problem)) }
            // A body announced as too large is refused before a byte of it is read, and the connection closed
            // (rather than read to its end).
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > settings.maxBodyBytes {
                var response = respond(.problem(Problem(status: 413, title: "Content Too Large", detail: "\(length) bytes; a body may have \(settings.maxBodyBytes)")))
                response.headers[.connection] = "close"
                return response
            }
            let body: ByteBuffer?
            do {
                body = try await collectBody(request)
            } catch let error as HTTPResponseError {
                throw error  // over the limit: the middleware's 413
            } catch {
                // The body itself is broken (a bad chunk size, a connection cut mid-body): the client's fault.
                var response = respond(.problem(Problem(status: 400, title: "Bad Request", detail: "the body could not be read: \(error)")))
                response.headers[.connection] = "close"
                return response
            }
            guard let buffer = body else {
                var response = respond(.problem(Problem(status: 408, title: "Request Timeout", detail: "the body did not arrive within \(settings.bodyTimeout)")))
                response.headers[.connection] = "close"
                return response
            }
            return respond(predict(model: model, version: version, contentType: request.headers[.contentType], body: Array(buffer: buffer)))
        }
        return router
    }
}

extension ServeEndpoints {
    /// The request's body, at most `maxBodyBytes` (413 past that), or nil when it takes longer than
    /// `bodyTimeout` to arrive: a client that trickles its body does not hold a request for ever (the
    /// server's idle timeout only closes connections that send nothing).
    func collectBody(_ request: Request) async throws -> ByteBuffer? {
        let body = request.body, limit = settings.maxBodyBytes, timeout = settings.bodyTimeout
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}

func respond(_ answer: ServeEndpoints.Answer) -> Response {
    Response(
        status: HTTPResponse.Status(code: answer.status), headers: [.contentType: answer.contentType],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
}

/// Turns every error a route or the router throws (an unknown path, a body over the limit) into problem+json,
/// never a bare 500, and counts requests and their latency by route template and status.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            // Hummingbird's own: no route (404), a body over the limit (413), ...
            let status = Int(error.status.code)
            if status == 404, let allowed = ServeEndpoints.methods(allowedOn: request.uri.path) {
                // A known path with another method (any: TRACE, QUERY, ...): 405 with the methods it has.
                var refused = respond(.problem(Problem(status: 405, title: "Method Not Allowed", detail: "\(request.uri.path) takes \(allowed)")))
                refused.headers[.allow] = allowed
                response = refused
            } else {
                let detail = switch status {
                case 404: "no such route: \(request.method) \(request.uri.path)"
                case 413: "the body is larger than the service accepts"
                default: "\(error)"
                }
                response = respond(.problem(Problem(status: status, title: error.status.reasonPhrase, detail: detail)))
            }
        } catch {
            response = respond(.problem(Problem(status: 500, title: "Internal Server Error", detail: "\(error)")))
        }
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, status: Int(response.status.code), duration: ContinuousClock.now - started)
        return response
    }
}
