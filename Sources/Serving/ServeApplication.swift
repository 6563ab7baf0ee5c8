import Foundation
import Formats
import Hummingbird
import Logging
import HTTPTypes
import NIOCore
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
    /// The bearer token POST /models/reload asks for; nil opens it to loopback clients only.
    public var reloadToken: [UInt8]?
    /// The least time between two reloads let through, each reading every model definition.
    public var reloadInterval: Duration = .seconds(1)

    public init(
        maxRecords: Int = 1000, maxBodyBytes: Int = 1 << 20, openAPI: [UInt8] = [], bodyTimeout: Duration = .seconds(30),
        reloadToken: [UInt8]? = nil, reloadInterval: Duration = .seconds(1)
    ) {
        self.reloadToken = reloadToken
        self.reloadInterval = reloadInterval
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
    /// When the last reload was let through (`settings.reloadInterval`).
    let reloads: ReloadLimiter

    public init(
        catalog: ModelCatalog, settings: ServeSettings, metrics: ServeMetrics,
        reload: (@Sendable () async throws -> Void)?, databaseReachable: @escaping @Sendable () async -> Bool,
        log: PredictionLog? = nil
    ) {
        self.catalog = catalog
        self.settings = settings
        reloads = ReloadLimiter(every: settings.reloadInterval)
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

    /// The methods a path has (`GET, HEAD`, `POST`), nil when no route template matches it. Every GET route
    /// answers HEAD too (RFC 9110 9.3.2).
    public static func methods(allowedOn path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let methods = routes.filter { route in
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return template.count == segments.count
                && zip(template, segments).allSatisfy { $0 == $1 || ($0.hasPrefix("{") && !$1.isEmpty) }
        }.flatMap { $0.method == "GET" ? ["GET", "HEAD"] : [$0.method] }
        return methods.isEmpty ? nil : methods.sorted().joined(separator: ", ")
    }

    public struct Answer: Sendable {
        public let status: Int
        public let contentType: String
        public let body: [UInt8]
        /// Headers besides the content type (WWW-Authenticate, Retry-After).
        public var headers: [(name: String, value: String)] = []

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

    /// POST /models/reload, for a client that sent `authorization` from `remote`: with a reload token, a
    /// bearer of it; without one, a client on this machine only. One reload per `settings.reloadInterval` at most.
    public func reloadModels(authorization: String?, remote: SocketAddress?) async -> Answer {
        guard let reload else { return .problem(Problem(status: 503, title: "Service Unavailable", detail: "this service has no database to reload from")) }
        if let token = settings.reloadToken {
            let sent = authorization.flatMap { $0.hasPrefix("Bearer ") ? Array($0.utf8.dropFirst(7)) : nil }
            guard let sent, Self.constantTimeEqual(sent, token) else {
                var refused = Answer.problem(Problem(status: 401, title: "Unauthorized", detail: "POST /models/reload takes the service's reload token as Authorization: Bearer <token>"))
                refused.headers = [("WWW-Authenticate", "Bearer realm=\"pgpipe-serve\"")]
                return refused
            }
        } else if !Self.isLoopback(remote) {
            return .problem(Problem(status: 403, title: "Forbidden", detail: "POST /models/reload is open to clients on the service's own machine only; start serve with --reload-token-file to let others reload with the token"))
        }
        if let wait = reloads.refusal() {
            var refused = Answer.problem(Problem(status: 429, title: "Too Many Requests", detail: "one reload per \(settings.reloadInterval.components.seconds) s at most; new versions are also picked up by themselves"))
            refused.headers = [("Retry-After", String(wait))]
            return refused
        }
        do {
            try await reload()
            return .object([("models", .number(String(catalog.all.count)))])
        } catch {
            return .problem(Problem(status: 503, title: "Service Unavailable", detail: "the models could not be read from the database; the ones loaded before are still served (the service's log says why)"))
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        switch address {
        case .v4(let v4)?: v4.host.hasPrefix("127.")
        case .v6(let v6)?: v6.host == "::1" || v6.host.hasPrefix("::ffff:127.")
        case .unixDomainSocket?: true
        case nil: false
        }
    }

    /// The `version` query parameter: nil when absent; a problem (400) when it is given more than once or is
    /// not a version number.
    public static func version(_ values: [String]) -> Result<String?, Problem> {
        guard values.count <= 1 else {
            return .failure(Problem(status: 400, title: "Bad Request", detail: "version is given \(values.count) times (\(values.map { "\"\($0)\"" }.joined(separator: ", "))): give it once"))
        }
        guard let text = values.first else { return .success(nil) }
        guard let number = Int32(text), number >= 1, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return .failure(Problem(status: 400, title: "Bad Request", detail: "version must be a whole number from 1 to \(Int32.max); sent \"\(shown)\""))
        }
        return .success(text)
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
            switch Self.version([version]) {
            case .failure(let problem): return .failure(problem)
            case .success(let checked): requested = checked.flatMap { Int($0) }
            }
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
        // Recorded (journaled, with --journal) before the answer goes out.
        log?.record(zip(ranges, encoded).map { (model.id, Array(body[$0]), $1) })
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
    public func router() -> Router<ServeRequestContext> {
        let router = Router(context: ServeRequestContext.self)
        router.add(middleware: ProblemMiddleware(metrics: metrics))
        /// A GET route, and HEAD on it: the same status and headers, no body.
        func get(_ path: RouterPath, _ answer: @escaping @Sendable () async -> Response) {
            router.get(path) { _, _ in await answer() }
            router.head(path) { _, _ in
                let full = await answer()
                return Response(status: full.status, headers: full.headers, body: ResponseBody())
            }
        }
        get("/") {
            var response = respond(page())
            response.headers[.contentSecurityPolicy] = ServePage.contentSecurityPolicy
            return response
        }
        get("/health") { respond(health()) }
        get("/ready") { respond(await ready()) }
        get("/models") { respond(models()) }
        router.post("/models/reload") { request, context in
            respond(await reloadModels(authorization: request.headers[.authorization], remote: context.remoteAddress))
        }
        get("/metrics") { respond(prometheus()) }
        get("/openapi.yaml") { respond(openAPI()) }
        router.post("/predict/{model}") { request, context in
            let model = context.parameters.get("model") ?? ""
            let version: String?
            switch Self.version(request.uri.queryParameters.getAll("version").map { String($0) }) {
            case .success(let checked): version = checked
            case .failure(let problem): return respond(.problem(problem))
            }
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
    var headers: HTTPFields = [.contentType: answer.contentType]
    for (name, value) in answer.headers {
        if let field = HTTPField.Name(name) { headers[field] = value }
    }
    return Response(status: HTTPResponse.Status(code: answer.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
}

/// The request context of the service's routes: Hummingbird's basic one, with the client's address (a reload
/// without a token is for clients on this machine only).
public struct ServeRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Lets one reload through per interval; the others are told how many seconds to wait.
final class ReloadLimiter: @unchecked Sendable {
    let interval: Duration
    let lock = NSLock()
    var last: ContinuousClock.Instant?

    init(every interval: Duration) { self.interval = interval }

    /// Nil when a reload may go ahead (and it is counted), else the whole seconds to wait.
    func refusal() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        if let last, now - last < interval {
            let left = interval - (now - last)
            return max(1, Int(left.components.seconds) + (left.components.attoseconds > 0 ? 1 : 0))
        }
        last = now
        return nil
    }
}

/// Turns every error a route or the router throws (an unknown path, a body over the limit) into problem+json,
/// never a bare 500, and counts requests and their latency by route template and status.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ServeRequestContext
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
