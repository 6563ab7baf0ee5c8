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
        /// The HTTP status of the last attempt; nil when it got no answer.
        public let status: Int?
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

    /// Sends `table` page by page and returns how many pages; `record` is called with each page's outcome,
    /// acknowledged or not. Throws `DeliveryError` when a page is refused or the endpoint stays unavailable;
    /// the pages before it were acknowledged and recorded.
    @discardableResult
    public func send(_ table: Table, report: String, loadRun: Int64, record: (PageOutcome) throws -> Void) throws -> Int {
        // The client does not retry a failed connection on its own (it would until the timeout): a refused
        // connection is an attempt like any other, retried here with the others.
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .milliseconds(Int64(settings.timeout * 1000))))
        configuration.connectionPool.retryConnectionEstablishment = false
        // A redirect is the endpoint's answer, never followed: the page is not sent to another address unasked.
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        defer { try? client.syncShutdown() }
        let pages = max(1, (table.rowCount + settings.pageSize - 1) / settings.pageSize)
        for page in 1...pages {
            let rows = Array(table.values[min((page - 1) * settings.pageSize, table.rowCount)..<min(page * settings.pageSize, table.rowCount)])
            let key = "\(report)/load-\(loadRun)/pages-\(pages)/page-\(page)"
            var body: [UInt8] = []
            JSONText.appendObject([
                ("report", .string(report)), ("load_run", .number(String(loadRun))), ("page", .number(String(page))),
                ("pages", .number(String(pages))),
                ("rows", .raw(String(decoding: try ReportFormat.json(Table(columns: table.columns, values: rows), shape: .rows, report: report), as: UTF8.self))),
            ], to: &body)
            let outcome = deliver(body, key: key, page: page, pages: pages, rows: rows.count, client: client)
            try record(outcome)
            guard outcome.acknowledged else {
                throw DeliveryError(url: settings.url, page: page, pages: pages, outcome: outcome)
            }
            logger.info("\(report): page \(page) of \(pages) (\(rows.count) rows) acknowledged by \(settings.url) with \(outcome.status ?? 0) in \(Int(outcome.milliseconds)) ms")
        }
        return pages
    }

    /// Sends one page until it is acknowledged, refused, or out of attempts.
    private func deliver(_ body: [UInt8], key: String, page: Int, pages: Int, rows: Int, client: HTTPClient) -> PageOutcome {
        var attempt = 0
        while true {
            attempt += 1
            let started = Date()
            var status: Int?, error: String?, retryAfter: Double?
            do {
                var request = try HTTPClient.Request(url: settings.url, method: .PUT, body: .bytes(body))
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "Idempotency-Key", value: key)
                request.headers.add(name: "User-Agent", value: "pgpipe-summary")
                let response = try client.execute(
                    request: request, deadline: .now() + .milliseconds(Int64(settings.timeout * 1000))).wait()
                status = Int(response.status.code)
                retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
                if !(200..<300).contains(status!) {
                    let text = response.body.map { String(buffer: $0) } ?? ""
                    let location = (300..<400).contains(status!) ? response.headers.first(name: "Location").map { " (a redirect to \($0), not followed)" } ?? " (a redirect, not followed)" : ""
                    error = "HTTP \(status!)\(location)\(text.isEmpty ? "" : ": " + String(text.prefix(200)).replacingOccurrences(of: "\n", with: " "))"
                }
            } catch let failure {
                error = Self.describe(failure)
            }
            let milliseconds = Date().timeIntervalSince(started) * 1000
            let outcome = PageOutcome(page: page, pages: pages, rows: rows, idempotencyKey: key, status: status, attempts: attempt, milliseconds: milliseconds, error: error)
            let retryable = status.map { $0 == 429 || (500..<600).contains($0) } ?? true
            if outcome.acknowledged || !retryable || attempt >= settings.attempts { return outcome }
            let delay = min(retryAfter ?? settings.firstRetryDelay * pow(2, Double(attempt - 1)), 60)
            logger.warning("page \(page) of \(pages): \(error ?? "no answer"); attempt \(attempt) of \(settings.attempts), retrying in \(delay) s")
            Thread.sleep(forTimeInterval: delay)
        }
    }

    /// A transport failure in words a person acts on.
    static func describe(_ error: Error) -> String {
        guard let error = error as? HTTPClientError else { return "cannot connect (\(error))" }
        if [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) { return "no answer within the timeout" }
        if [.invalidURL, .emptyHost, .emptyScheme].contains(error) { return "not a usable URL" }
        return "cannot connect (\(error))"
    }
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
        if let status = outcome.status, (300..<500).contains(status), status != 429 { return .remote }
        return .unavailable
    }

    public var description: String {
        let earlier = page > 1 ? "; pages 1 to \(page - 1) were acknowledged" : ""
        return "\(url): page \(page) of \(pages) not delivered after \(outcome.attempts) attempt\(outcome.attempts == 1 ? "" : "s"): \(outcome.error ?? "no answer")\(earlier)"
    }
}
