import Foundation
import IngestionAPIMock
import Postgres
import TestSupport
import Testing

/// `summary --put` against the mock ingestion API on loopback: pages with idempotency keys, retries, an
/// endpoint that stays down, refuses or is too slow, and the ledger of what was sent.
@Suite(.serialized) struct WindDeliveryTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
        let load = try runTool("ingest", ["wind", "--rejects", "\(folder.path)/rejects.jsonl", "--quiet"], environment: database.environment)
        #expect(load.status == 0, "\(load.stderr)")
    }

    /// Starts `mock` on a free loopback port; returns its URL for the wind orders and the task serving it.
    func start(_ mock: IngestionAPIMock) async throws -> (url: String, server: Task<Void, Error>) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task { try await mock.run(port: 0, logLevel: .critical) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        return ("http://127.0.0.1:\(port)/wind-orders", server)
    }

    /// Runs summary on a thread of its own: waiting for it on the concurrency pool would starve the mock's
    /// handlers, which run there. A request may wait up to 60 s (other suites share the pool while the whole
    /// test run goes on), so that only the failures a test asks for are retried; `extra` may say otherwise.
    func summary(_ url: String, _ extra: [String] = []) async throws -> ToolRun {
        let arguments = ["wind_orders_joined", "--output", folder.path, "--put", "--put-url", url, "--put-retry-delay", "0.05", "--put-timeout", "60"] + extra
        let environment = database.environment(as: "pgpipe_summary")
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runTool("summary", arguments, environment: environment) }) }.start()
        }
    }

    func deliveries() throws -> [[String?]] {
        let result = try database.connect().query("SELECT page, pages, rows, status, acknowledged, attempts, idempotency_key FROM wind.deliveries ORDER BY delivery_id")
        return result.rows.map { row in (0..<7).map { row[$0] } }
    }

    @Test func test_pages_are_sent_once_each_and_recorded_as_acknowledged() async throws {
        let mock = IngestionAPIMock()
        let (url, server) = try await start(mock)
        defer { server.cancel() }
        let run = try await summary(url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("wind_orders_joined: 1296 rows in 3 pages, each acknowledged by \(url)\n"), "\(run.stdout)")
        let load = try database.connect().query("SELECT max(run_id) FROM ingest.runs WHERE dataset = 'wind'").rows[0][0]!
        #expect(try deliveries() == [
            ["1", "3", "500", "201", "t", "1", "wind_orders_joined/load-\(load)/pages-3/page-1"],
            ["2", "3", "500", "201", "t", "1", "wind_orders_joined/load-\(load)/pages-3/page-2"],
            ["3", "3", "296", "201", "t", "1", "wind_orders_joined/load-\(load)/pages-3/page-3"],
        ])
        // What the endpoint holds is the report, row for row: the same rows as the CSV written beside it.
        let pages = await mock.store.pages
        #expect(pages.map(\.rows) == [500, 500, 296])
        let first = try JSONSerialization.jsonObject(with: Data(pages[0].body.utf8)) as! [String: Any]
        #expect(first["page"] as? Int == 1 && first["pages"] as? Int == 3 && first["report"] as? String == "wind_orders_joined")
        let rows = first["rows"] as! [[String: Any]]
        #expect(rows[0]["starts_at"] as? String == "2021-11-01 00:00:00+00" && rows[0]["initial_forecast_mw"] as? Double == 9643)
        let csv = try String(contentsOfFile: "\(folder.path)/wind_orders_joined.csv", encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 1297)

        // The same load published again: the ledger shows every page acknowledged, so none is sent again.
        let again = try await summary(url)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasSuffix("each acknowledged by \(url) (3 of them in an earlier run, not sent again)\n"), "\(again.stdout)")
        #expect(await mock.store.requests == 3)
        #expect(try deliveries().count == 3)
        // Asked to resend: the same keys, so the endpoint stores nothing twice.
        #expect(try await summary(url, ["--put-resend"]).status == 0)
        #expect(await mock.store.requests == 6)
        #expect(await mock.store.pages.count == 3)
        #expect(try deliveries().count == 6)
    }

    @Test func test_a_status_that_is_no_http_status_is_a_recorded_refusal() async throws {
        let mock = IngestionAPIMock(behaviour: .init(failFirst: 1, failStatus: 999))
        let (url, server) = try await start(mock)
        defer { server.cancel() }
        let run = try await summary(url)
        #expect(run.status == 76, "\(run.stderr)")
        #expect(run.stderr.contains("page 1 of 3 not delivered after 1 attempt: answered with status 999, which is not an HTTP status"), "\(run.stderr)")
        #expect(try deliveries().map { [$0[3], $0[4], $0[5]] } == [[nil, "f", "1"]])
    }

    @Test func test_a_huge_answer_is_cut_not_held() async throws {
        // 1 GiB of error body: read no further than the few KiB the error line needs.
        let mock = IngestionAPIMock(behaviour: .init(failFirst: 1, failStatus: 422, failBodyBytes: 1 << 30))
        let (url, server) = try await start(mock)
        defer { server.cancel() }
        let run = try await summary(url)
        #expect(run.status == 76, "\(run.stderr)")
        #expect(run.stderr.contains("HTTP 422: " + String(repeating: "x", count: 200) + "\n"), "\(run.stderr.suffix(400))")
        // The client hung up long before the end (how much the mock got out first depends on how busy the
        // machine is: from a few MiB alone to 240 MiB under the whole test run); the old client read it all.
        let written = await mock.store.bytesAnswered
        #expect(written < 1 << 30, "\(written) bytes of the answer were taken")
    }

    @Test func test_credentials_in_the_url_are_sent_but_never_printed_or_stored() async throws {
        let mock = IngestionAPIMock()
        let (url, server) = try await start(mock)
        defer { server.cancel() }
        let withCredentials = url.replacingOccurrences(of: "http://", with: "http://robot:s%40cret@")
        let run = try await summary(withCredentials)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!(run.stdout + run.stderr).contains("s%40cret") && !(run.stdout + run.stderr).contains("robot"), "\(run.stdout)\(run.stderr)")
        #expect(try database.connect().query("SELECT DISTINCT url FROM wind.deliveries").rows.map { $0[0] } == [url])
        // Basic robot:s@cret
        #expect(await mock.store.pages.map(\.authorization) == Array(repeating: "Basic cm9ib3Q6c0BjcmV0", count: 3))
    }

    @Test func test_failures_and_throttling_are_retried_with_the_same_key() async throws {
        for status in [503, 429] {
            let mock = IngestionAPIMock(behaviour: .init(failFirst: 2, failStatus: status))
            let (url, server) = try await start(mock)
            defer { server.cancel() }
            let run = try await summary(url, ["--page-size", "1000"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("page 1 of 2: HTTP \(status)"))
            #expect(await mock.store.requests == 4)
            #expect(await mock.store.pages.map(\.rows) == [1000, 296])
        }
        // Each page's row is its last attempt: acknowledged on the third.
        #expect(try deliveries().map { [$0[0], $0[4], $0[5]] } == [["1", "t", "3"], ["2", "t", "1"], ["1", "t", "3"], ["2", "t", "1"]])
    }

    @Test func test_an_endpoint_that_stays_down_fails_with_69_and_nothing_unacknowledged_counts_as_sent() async throws {
        let mock = IngestionAPIMock(behaviour: .init(failFirst: 100, failStatus: 502))
        let (url, server) = try await start(mock)
        defer { server.cancel() }
        let run = try await summary(url, ["--put-attempts", "3"])
        #expect(run.status == 69)
        #expect(run.stderr.hasSuffix("summary: error: \(url): page 1 of 3 not delivered after 3 attempts: HTTP 502: {\"error\":\"failing on purpose\"}\n"), "\(run.stderr)")
        #expect(try deliveries().map { Array($0[0...5]) } == [["1", "3", "500", "502", "f", "3"]])
        #expect(await mock.store.pages.isEmpty)
        // The files are written either way.
        #expect(FileManager.default.fileExists(atPath: "\(folder.path)/wind_orders_joined.csv"))

        // Nothing listening: the same status, quickly.
        let closed = try await summary("http://127.0.0.1:9/wind-orders", ["--put-attempts", "2"])
        #expect(closed.status == 69)
        #expect(closed.stderr.contains("not delivered after 2 attempts: cannot connect"))
    }

    @Test func test_a_redirect_is_a_refusal_and_never_followed() async throws {
        let redirecting = IngestionAPIMock(behaviour: .init(failFirst: 1, failStatus: 307))
        let (url, server) = try await start(redirecting)
        defer { server.cancel() }
        let run = try await summary(url)
        #expect(run.status == 76, "\(run.stderr)")
        #expect(run.stderr.contains("HTTP 307 (a redirect to /elsewhere/wind-orders, not followed)"), "\(run.stderr)")
        #expect(await redirecting.store.requests == 1)
        #expect(await redirecting.store.pages.isEmpty)
        #expect(try deliveries().map { [$0[3], $0[4], $0[5]] } == [["307", "f", "1"]])
        for bad in ["http://127.0.0.1:99999/x", "http://127.0.0.1:0/x"] {
            let port = try runTool("summary", ["wind_orders_joined", "--output", folder.path, "--put", "--put-url", bad], environment: database.environment)
            #expect(port.status == 64)
            #expect(port.stderr.contains("--put-url \(bad): port"), "\(port.stderr)")
        }
    }

    @Test func test_a_refusal_is_not_retried_and_a_slow_endpoint_times_out() async throws {
        let refusing = IngestionAPIMock(behaviour: .init(failFirst: 1, failStatus: 422))
        let (url, server) = try await start(refusing)
        defer { server.cancel() }
        let refused = try await summary(url)
        #expect(refused.status == 76)
        #expect(await refusing.store.requests == 1)

        let slow = IngestionAPIMock(behaviour: .init(delay: .seconds(3)))
        let (slowURL, slowServer) = try await start(slow)
        defer { slowServer.cancel() }
        let timedOut = try await summary(slowURL, ["--put-timeout", "0.3", "--put-attempts", "2"])
        #expect(timedOut.status == 69)
        #expect(timedOut.stderr.contains("not delivered after 2 attempts: no answer within the timeout"), "\(timedOut.stderr)")
        #expect(try deliveries().map { [$0[3], $0[4], $0[5]] } == [["422", "f", "1"], [nil, "f", "2"]])
    }
}
