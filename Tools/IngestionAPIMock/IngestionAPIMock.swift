import Foundation
import Hummingbird
import Logging
import NIOCore

/// A stand-in for the ingestion API the wind report is published to (hypercube.ingestion.com is fictional):
/// a real HTTP server that stores each page `PUT` to it under its `Idempotency-Key`, once, and can be told to
/// fail its first requests or to answer slowly. Used by the tests (in process, on loopback), by scripts/run
/// and by the compose service `wind-api`; `GET /received` says what it holds.
public struct IngestionAPIMock: Sendable {
    public struct Behaviour: Sendable {
        /// The first this many PUTs are answered `failStatus` (with `Retry-After: 0` for 429, and for a redirect
        /// a `Location` on this server that would take the page).
        public var failFirst: Int
        public var failStatus: Int
        /// Each PUT is answered after this long.
        public var delay: Duration
        /// When over 0, a failing answer's body is this many bytes (streamed, never held whole).
        public var failBodyBytes: Int

        public init(failFirst: Int = 0, failStatus: Int = 503, delay: Duration = .zero, failBodyBytes: Int = 0) {
            self.failFirst = failFirst
            self.failStatus = failStatus
            self.delay = delay
            self.failBodyBytes = failBodyBytes
        }
    }

    /// What the mock has been sent.
    public actor Store {
        public struct Page: Sendable, Codable {
            public let key: String
            public let path: String
            public let rows: Int
            public let body: String
            /// The Authorization header it came with.
            public var authorization: String? = nil
        }

        public private(set) var requests = 0
        public private(set) var pages: [Page] = []
        /// Bytes of long failing answers written out (the client may stop reading them).
        public private(set) var bytesAnswered = 0
        func answered(_ count: Int) { bytesAnswered += count }
        var failuresLeft: Int

        init(failuresLeft: Int) { self.failuresLeft = failuresLeft }

        /// Counts a request; true when it is to be failed.
        func arrive() -> Bool {
            requests += 1
            guard failuresLeft > 0 else { return false }
            failuresLeft -= 1
            return true
        }

        /// Stores a page unless its key is known; true when stored.
        func store(_ page: Page) -> Bool {
            guard !pages.contains(where: { $0.key == page.key }) else { return false }
            pages.append(page)
            return true
        }
    }

    public let store: Store
    let behaviour: Behaviour

    public init(behaviour: Behaviour = Behaviour()) {
        self.behaviour = behaviour
        store = Store(failuresLeft: behaviour.failFirst)
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let store = store, behaviour = behaviour
        router.put("**") { request, _ -> Response in
            // The body is read whole before any answer, as a real endpoint would: a client still sending is
            // never answered early.
            let body = try await request.body.collect(upTo: 64 << 20)
            let failing = await store.arrive()
            if behaviour.delay > .zero { try await Task.sleep(for: behaviour.delay) }
            if failing {
                var headers: HTTPFields = [.contentType: "application/json"]
                if behaviour.failStatus == 429 { headers[.retryAfter] = "0" }
                if (300..<400).contains(behaviour.failStatus) { headers[.location] = "/elsewhere" + request.uri.path }
                if behaviour.failBodyBytes > 0 {
                    let size = behaviour.failBodyBytes
                    headers[.contentType] = "text/plain"
                    return Response(status: .init(code: behaviour.failStatus), headers: headers, body: ResponseBody(contentLength: size) { writer in
                        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 16)
                        var left = size
                        while left > 0 {
                            let part = left >= chunk.readableBytes ? chunk : chunk.getSlice(at: 0, length: left)!
                            try await writer.write(part)
                            await store.answered(part.readableBytes)
                            left -= part.readableBytes
                        }
                        try await writer.finish(nil)
                    })
                }
                return Self.answer(behaviour.failStatus, #"{"error":"failing on purpose"}"#, headers: headers)
            }
            guard let key = request.headers[.init("Idempotency-Key")!], !key.isEmpty else {
                return Self.answer(400, #"{"error":"Idempotency-Key is required"}"#)
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                let rows = object["rows"] as? [Any]
            else {
                return Self.answer(400, #"{"error":"the body must be a JSON object with a rows array"}"#)
            }
            let stored = await store.store(Store.Page(
                key: key, path: request.uri.path, rows: rows.count, body: String(buffer: body), authorization: request.headers[.authorization]))
            return Self.answer(stored ? 201 : 200, stored ? #"{"stored":true}"# : #"{"stored":false,"duplicate":true}"#)
        }
        router.get("received") { _, _ -> Response in
            let pages = await store.pages.map { ["key": $0.key, "path": $0.path, "rows": $0.rows] as [String: Any] }
            let summary: [String: Any] = ["requests": await store.requests, "pages": pages, "rows": pages.reduce(0) { $0 + ($1["rows"] as! Int) }]
            return Self.answer(200, String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
        }
        return router
    }

    static func answer(_ status: Int, _ json: String, headers: HTTPFields = [.contentType: "application/json"]) -> Response {
        Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    /// Serves on `host`:`port` (0: any free port) until cancelled; `started` gets the port bound. `logLevel`
    /// .critical keeps a test's output to its own (a cancelled server logs its open connections).
    public func run(
        host: String = "127.0.0.1", port: Int, logLevel: Logger.Level = .info, started: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        var logger = Logger(label: "ingestion-api-mock")
        logger.logLevel = logLevel
        let app = Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "ingestion-api-mock"),
            onServerRunning: { channel in await started(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService()
    }
}
