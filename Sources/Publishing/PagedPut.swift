import AsyncHTTPClient
import Failures
import Formats
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Reporting

/// Sends a report's rows to an HTTP ingestion endpoint: one `PUT` per page of rows, each page a JSON object
/// (`report`, `load_run`, `page`, `pages`, `rows`) with an `Idempotency-Key` naming the load, the page count
/// and the page, so a page sent again (a retry, or the same load published again) is one the endpoint can
/// recognise and not store twice. A page is retried with doubling delays on 429, 5xx, a timeout or a failed
/// connection (a `Retry-After` in seconds is honoured); any other answer, or the last failed attempt, stops
/// the delivery. Each page's outcome goes to `record` before the next page is sent.
public struct PagedPut {
    public struct Settings: Sendable {
        public var url: String
        public var pageSize: Int
        /// Attempts per page, the first included.
        public var attempts: Int
        /// The delay before the first retry, in seconds; each further retry waits twice as long.
        public var firstRetryDelay: Double
        /// How long one request may take, in seconds.
        public var timeout: Double

        /// The URL as it may be printed and stored: without the credentials it may carry.
        public var shownURL: String { PagedPut.withoutCredentials(url) }

        public init(url: String, pageSize: Int = 500, attempts: Int = 5, firstRetryDelay: Double = 0.5, timeout: Double = 10) {
            self.url = url
            self.pageSize = pageSize
            self.attempts = attempts
            self.firstRetryDelay = firstRetryDelay
            self.timeout = timeout
        }
    }

    /// What became of one page.
    public struct PageOutcome: Sendable {
        public let page: Int
        public let pages: Int
        public let rows: Int
        public let idempotencyKey: String
        /// The HTTP status of the last attempt; nil when it got no answer, or an answer whose status is not
        /// an HTTP status (100 to 599), which is a refusal.
        public let status: Int?
        /// A status outside 100 to 599 the endpoint answered with.
        public var invalidStatus: Int? = nil
        /// A 2xx answer: the endpoint took the page.
        public var acknowledged: Bool { status.map { (200..<300).contains($0) } ?? false }
        public let attempts: Int
        /// The last attempt's time to an answer (or to its failure), in milliseconds.
        public let milliseconds: Double
        /// Why the last attempt failed, when it did.
        public let error: String?
    }

    let settings: Settings
    let logger: Logger

    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Sends `table` page by page and returns how many pages it has and how many were sent; `record` is called with each page's
    /// outcome, acknowledged or not. Pages whose idempotency key is in `acknowledged` (the endpoint took them
    /// in an earlier run) are not sent again. Throws `DeliveryError` when a page is refused or the endpoint
    /// stays unavailable; the pages before it were acknowledged and recorded.
    @discardableResult
    public func send(
        _ table: Table, report: String, loadRun: Int64, acknowledged: Set<String> = [], record: (PageOutcome) throws -> Void
    ) throws -> (pages: Int, sent: Int) {
        // The client does not retry a failed connection on its own (it would until the timeout): a refused
        // connection is an attempt like any other, retried here with the others.
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .milliseconds(Int64(settings.timeout * 1000))))
        configuration.connectionPool.retryConnectionEstablishment = false
        // A redirect is the endpoint's answer, never followed: the page is not sent to another address unasked.
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        defer { try? client.syncShutdown() }
        let pages = max(1, (table.rowCount + settings.pageSize - 1) / settings.pageSize)
        var sent = 0
        for page in 1...pages {
            let key = Self.idempotencyKey(report: report, loadRun: loadRun, pages: pages, page: page)
            if acknowledged.contains(key) {
                logger.info("\(report): page \(page) of \(pages) was acknowledged by \(settings.shownURL) before (wind.deliveries): not sent again")
                continue
            }
            let rows = Array(table.values[min((page - 1) * settings.pageSize, table.rowCount)..<min(page * settings.pageSize, table.rowCount)])
            var body: [UInt8] = []
            JSONText.appendObject([
                ("report", .string(report)), ("load_run", .number(String(loadRun))), ("page", .number(String(page))),
                ("pages", .number(String(pages))),
                ("rows", .raw(String(decoding: try ReportFormat.json(Table(columns: table.columns, values: rows), shape: .rows, report: report), as: UTF8.self))),
            ], to: &body)
            let outcome = deliver(body, key: key, page: page, pages: pages, rows: rows.count, client: client)
            try record(outcome)
            guard outcome.acknowledged else {
                throw DeliveryError(url: settings.shownURL, page: page, pages: pages, outcome: outcome)
            }
            sent += 1
            logger.info("\(report): page \(page) of \(pages) (\(rows.count) rows) acknowledged by \(settings.shownURL) with \(outcome.status ?? 0) in \(Int(outcome.milliseconds)) ms")
        }
        return (pages, sent)
    }

    /// What names a page to the endpoint: the report, its load, the page count and the page.
    public static func idempotencyKey(report: String, loadRun: Int64, pages: Int, page: Int) -> String {
        "\(report)/load-\(loadRun)/pages-\(pages)/page-\(page)"
    }

    /// `url` without the user and password it may carry, to print and store.
    public static func withoutCredentials(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.user = nil
        components.password = nil
        return components.string ?? url
    }

    /// Bytes of an answer's body kept, for the error line: an endpoint that answers with a huge body costs
    /// no more memory than this.
    static let bodyKept = 4096

    /// Sends one page until it is acknowledged, refused, or out of attempts.
    private func deliver(_ body: [UInt8], key: String, page: Int, pages: Int, rows: Int, client: HTTPClient) -> PageOutcome {
        var attempt = 0
        while true {
            attempt += 1
            let started = Date()
            var status: Int?, invalidStatus: Int?, error: String?, retryAfter: Double?
            let answer = BoundedAnswer(keeping: Self.bodyKept)
            do {
                var request = try HTTPClient.Request(url: settings.url, method: .PUT, body: .bytes(body))
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "Idempotency-Key", value: key)
                request.headers.add(name: "User-Agent", value: "pgpipe-summary")
                if let credentials = Self.basicCredentials(settings.url) { request.headers.add(name: "Authorization", value: "Basic \(credentials)") }
                do {
                    _ = try client.execute(
                        request: request, delegate: answer, deadline: .now() + .milliseconds(Int64(settings.timeout * 1000))).wait()
                } catch is BoundedAnswer.Enough {
                    // The rest of a long body is not read: what was kept is enough for the error line.
                }
                guard let head = answer.head else { throw HTTPClientError.remoteConnectionClosed }
                let code = Int(head.status.code)
                retryAfter = head.headers.first(name: "Retry-After").flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
                let text = String(decoding: answer.body, as: UTF8.self)
                let said = text.isEmpty ? "" : ": " + String(text.prefix(200)).replacingOccurrences(of: "\n", with: " ")
                if !(100...599).contains(code) {
                    invalidStatus = code
                    error = "answered with status \(code), which is not an HTTP status\(said)"
                } else {
                    status = code
                    if !(200..<300).contains(code) {
                        let location = (300..<400).contains(code) ? head.headers.first(name: "Location").map { " (a redirect to \($0), not followed)" } ?? " (a redirect, not followed)" : ""
                        error = "HTTP \(code)\(location)\(said)"
                    }
                }
            } catch let failure {
                error = Self.describe(failure, answered: answer.head != nil)
            }
            let milliseconds = Date().timeIntervalSince(started) * 1000
            var outcome = PageOutcome(page: page, pages: pages, rows: rows, idempotencyKey: key, status: status, attempts: attempt, milliseconds: milliseconds, error: error)
            outcome.invalidStatus = invalidStatus
            let retryable = invalidStatus == nil && (status.map { $0 == 429 || (500..<600).contains($0) } ?? true)
            if outcome.acknowledged || !retryable || attempt >= settings.attempts { return outcome }
            let delay = min(retryAfter ?? settings.firstRetryDelay * pow(2, Double(attempt - 1)), 60)
            logger.warning("page \(page) of \(pages): \(error ?? "no answer"); attempt \(attempt) of \(settings.attempts), retrying in \(delay) s")
            Thread.sleep(forTimeInterval: delay)
        }
    }

    /// A transport failure in words a person acts on: whether the connection was never made, or was made and
    /// then failed (`answered`: the endpoint had begun its answer).
    static func describe(_ error: Error, answered: Bool = false) -> String {
        if let error = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) { return "no answer within the timeout" }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) { return "not a usable URL" }
            if [.remoteConnectionClosed, .cancelled].contains(error) || answered {
                return answered ? "the connection failed during the answer (\(error))" : "the endpoint closed the connection without an answer (\(error))"
            }
        }
        if answered { return "the connection failed during the answer (\(error))" }
        // A refused or unreachable address: the socket's own error, before any byte went out.
        if error is IOError || "\(error)".lowercased().contains("connect") { return "cannot connect (\(error))" }
        return "the request failed (\(error))"
    }

    /// The user and password of `url`, base64 for a Basic Authorization header; nil when it has none.
    static func basicCredentials(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let user = components.user else { return nil }
        return Data("\(user.removingPercentEncoding ?? user):\((components.password ?? "").removingPercentEncoding ?? "")".utf8).base64EncodedString()
    }
}

/// An answer's head and at most `keeping` bytes of its body: the rest is not read (the request ends with
/// `Enough` once that much is kept).
final class BoundedAnswer: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void
    struct Enough: Error {}

    let keeping: Int
    private(set) var head: HTTPResponseHead?
    private(set) var body: [UInt8] = []

    init(keeping: Int) { self.keeping = keeping }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head = head
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        body.append(contentsOf: buffer.readableBytesView.prefix(keeping - body.count))
        return body.count >= keeping ? task.eventLoop.makeFailedFuture(Enough()) : task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}

/// A page the endpoint refused, or did not take after every attempt.
public struct DeliveryError: FailureDescribing {
    public let url: String
    public let page: Int
    public let pages: Int
    public let outcome: PagedPut.PageOutcome

    /// A refusal (a 4xx other than 429, or a redirect, which is not followed: a PUT is not resent elsewhere
    /// unasked) is the endpoint's verdict on the request; anything else means it is not available now.
    public var failure: Failure {
        if outcome.invalidStatus != nil { return .remote }
        if let status = outcome.status, (300..<500).contains(status), status != 429 { return .remote }
        return .unavailable
    }

    public var description: String {
        let earlier = page > 1 ? "; pages 1 to \(page - 1) were acknowledged" : ""
        return "\(url): page \(page) of \(pages) not delivered after \(outcome.attempts) attempt\(outcome.attempts == 1 ? "" : "s"): \(outcome.error ?? "no answer")\(earlier)"
    }
}
