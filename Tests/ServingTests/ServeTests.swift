import AsyncHTTPClient
import Foundation
import Formats
import Hummingbird
import HummingbirdTesting
import Logging
import NIOHTTP1
import Postgres
import Schema
import Scoring
import Serving
import TestSupport
import Testing

/// The census model from its file, served without a database.
func censusCatalog() throws -> (ModelCatalog, XGBoostModel) {
    let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("data/census/xgbc.json")))
    let model = try XGBoostModel(json: data)
    let served = try ServedModel.census(name: "census_income_xgboost", version: 1, model: model, threshold: 0.5, trainingData: nil, metrics: [])
    return (ModelCatalog([served], newestModelID: 1), model)
}

func endpoints(
    _ catalog: ModelCatalog, maxRecords: Int = 1000, maxBodyBytes: Int = 1 << 20, reload: (@Sendable () async throws -> Void)? = nil,
    reachable: Bool = true, metrics: ServeMetrics = ServeMetrics(), log: PredictionLog? = nil, reloadToken: String? = nil,
    reloadInterval: Duration = .seconds(1)
) throws -> ServeEndpoints {
    let spec = try Data(contentsOf: URL(fileURLWithPath: Repository.path("openapi.yaml")))
    return ServeEndpoints(
        catalog: catalog,
        settings: ServeSettings(maxRecords: maxRecords, maxBodyBytes: maxBodyBytes, openAPI: Array(spec), reloadToken: reloadToken.map { Array($0.utf8) }, reloadInterval: reloadInterval),
        metrics: metrics, reload: reload, databaseReachable: { reachable }, log: log)
}

func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
let jsonHeaders: HTTPFields = [.contentType: "application/json"]

struct Problem: Decodable {
    struct Entry: Decodable, Equatable { let record: Int; let field: String; let reason: String }
    let status: Int
    let title: String
    let detail: String
    let errors: [Entry]?
}

func problem(_ response: TestResponse) throws -> Problem {
    #expect(response.headers[.contentType] == "application/problem+json")
    return try JSONDecoder().decode(Problem.self, from: Data(buffer: response.body))
}

@Suite struct ServeRouteTests {
    @Test func test_a_census_record_is_scored_as_the_batch_path_scores_it() async throws {
        let (catalog, model) = try censusCatalog()
        let app = Application(router: try endpoints(catalog).router())
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/predict/census_income_xgboost", method: .post, headers: jsonHeaders,
                body: json(#"{"age": 38, "sex": "Female", "marital_stat": "Never married", "education": "Bachelors degree(BA AB BS)", "tax_filer_stat": "Single"}"#))
            #expect(response.status == .ok)
            struct Answer: Decodable { let model: String; let version: Int; let probability: Double; let label: String; let unknown_inputs: [String] }
            let answer = try JSONDecoder().decode(Answer.self, from: Data(buffer: response.body))
            // The batch path: the file's spellings, encoded as CensusScorer does.
            let encoder = try OneHotEncoder(featureNames: model.featureNames, numeric: ["age"], categorical: ["sex", "marital_stat", "education", "tax_filer_stat"])
            let (features, unknown) = encoder.encode(["38", " Female", " Never married", " Bachelors degree(BA AB BS)", " Single"])
            #expect(!unknown)
            #expect(answer.probability.bitPattern == model.probability(features).bitPattern)
            #expect(answer.model == "census_income_xgboost" && answer.version == 1 && answer.unknown_inputs.isEmpty)
            #expect(answer.label == (answer.probability >= 0.5 ? "50000+." : "- 50000."))

            let unknownCategory = try await client.execute(
                uri: "/predict/census_income_xgboost?version=1", method: .post, headers: jsonHeaders,
                body: json(#"[{"age": 38, "sex": "Martian", "marital_stat": null, "education": null, "tax_filer_stat": null}]"#))
            #expect(unknownCategory.status == .ok)
            let answers = try JSONSerialization.jsonObject(with: Data(buffer: unknownCategory.body)) as? [[String: Any]]
            #expect(answers?.first?["unknown_inputs"] as? [String] == ["sex"])
            // The members in the spec's order, compact, the probability in Swift's shortest form.
            let probability = try #require(answers?.first?["probability"] as? Double)
            let text = String(buffer: unknownCategory.body)
            #expect(text.hasPrefix(#"[{"model":"census_income_xgboost","version":1,"probability":"#), "\(text)")
            #expect(text.hasSuffix(#","unknown_inputs":["sex"]}]"#), "\(text)")
            #expect(text.contains(probability >= 0.5 ? #","label":"50000+.","over_50k":true,"# : #","label":"- 50000.","over_50k":false,"#), "\(text)")
        }
    }

    @Test func test_bad_requests_get_their_status_and_a_problem_body_and_the_service_stays_up() async throws {
        let (catalog, _) = try censusCatalog()
        let app = Application(router: try endpoints(catalog, maxRecords: 3, maxBodyBytes: 4096).router())
        try await app.test(.router) { client in
            let path = "/predict/census_income_xgboost"
            let record = #"{"age": 38, "sex": "Female", "marital_stat": "Never married", "education": "Children", "tax_filer_stat": "Single"}"#
            // 415: no or another content type.
            let text = try await client.execute(uri: path, method: .post, headers: [.contentType: "text/plain"], body: json(record))
            #expect(text.status.code == 415)
            #expect(try problem(text).status == 415)
            // 404: unknown model, unknown version, unknown route.
            #expect(try await client.execute(uri: "/predict/nope", method: .post, headers: jsonHeaders, body: json(record)).status == .notFound)
            let version = try await client.execute(uri: path + "?version=7", method: .post, headers: jsonHeaders, body: json(record))
            #expect(version.status == .notFound)
            #expect(try problem(version).detail.contains("no model census_income_xgboost version 7"))
            // 400: a version given twice, or out of range, names what was sent.
            let twice = try await client.execute(uri: path + "?version=1&version=2", method: .post, headers: jsonHeaders, body: json(record))
            #expect(twice.status == .badRequest)
            #expect(try problem(twice).detail == #"version is given 2 times ("1", "2"): give it once"#)
            for sent in ["0", "-1", "99999999999", "1.0", "x"] {
                let bad = try await client.execute(uri: path + "?version=\(sent)", method: .post, headers: jsonHeaders, body: json(record))
                #expect(bad.status == .badRequest, "\(sent)")
                #expect(try problem(bad).detail == "version must be a whole number from 1 to 2147483647; sent \"\(sent)\"")
            }
            let route = try await client.execute(uri: "/no/such/route", method: .get)
            #expect(route.status == .notFound)
            #expect(try problem(route).status == 404)
            // 400: not JSON.
            let malformed = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: json("{\"age\": 38,"))
            #expect(malformed.status == .badRequest)
            #expect(try problem(malformed).title == "Bad Request")
            // 422: one entry per bad field, with the loader's reasons.
            let bad = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: json(#"""
                [{"age": 38.5, "sex": "  ", "marital_stat": 3, "education": "Children", "tax_filer_stat": "Single"},
                 {"age": 1e300, "sex": "Female", "education": "Children", "tax_filer_stat": "Single", "hair": "red"},
                 {"age": "38", "sex": true, "marital_stat": null, "education": "a\u0000", "tax_filer_stat": null}]
                """#))
            #expect(bad.status.code == 422)
            let errors = try problem(bad).errors ?? []
            #expect(errors == [
                .init(record: 0, field: "age", reason: "not a whole number"),
                .init(record: 0, field: "sex", reason: "required category is blank"),
                .init(record: 0, field: "marital_stat", reason: "a category is a string, not a number"),
                .init(record: 1, field: "hair", reason: "not an input of census_income_xgboost; its inputs are age, sex, marital_stat, education, tax_filer_stat"),
                .init(record: 1, field: "marital_stat", reason: "required field is missing (send null for an unknown value)"),
                .init(record: 1, field: "age", reason: "1e+300 is outside 0...150"),
                .init(record: 2, field: "age", reason: "not a whole number (a string)"),
                .init(record: 2, field: "sex", reason: "a category is a string, not a boolean"),
                .init(record: 2, field: "education", reason: "NUL byte at byte 2 of the field"),
            ])
            let notObject = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: json("[1]"))
            #expect(notObject.status.code == 422)
            let nested = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: json(#"[{"age": [[[[1]]]]}]"#))
            #expect(nested.status.code == 422)
            #expect(try problem(nested).detail.contains("nests 6 levels deep"))
            let wide = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: json("{" + (0..<50).map { "\"a\($0)\": 0" }.joined(separator: ",") + "}"))
            #expect(try problem(wide).errors?.count == 1, "one error for a record of 50 fields")
            // 413: more records than allowed, and a body over the limit.
            let many = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: json("[" + Array(repeating: record, count: 4).joined(separator: ",") + "]"))
            #expect(many.status.code == 413)
            #expect(try problem(many).detail == "4 records; one request may hold 3")
            let huge = try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: json(String(repeating: " ", count: 10_000) + record))
            #expect(huge.status.code == 413)
            #expect(try problem(huge).status == 413)
            // Still up, and it counted all of that.
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"pgpipe_serve_requests_total{route="/predict/{model}",status="422"} 4"#), "\(metrics)")
            #expect(metrics.contains("pgpipe_serve_request_duration_seconds_bucket"))
        }
    }

    @Test func test_ready_health_models_and_the_spec_list_what_is_served() async throws {
        let (catalog, _) = try censusCatalog()
        let app = Application(router: try endpoints(catalog, reachable: false).router())
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status.code == 503, "the database is not reachable")
            let models = try JSONSerialization.jsonObject(with: Data(buffer: try await client.execute(uri: "/models", method: .get).body)) as? [String: Any]
            let first = (models?["models"] as? [[String: Any]])?.first
            #expect(first?["name"] as? String == "census_income_xgboost")
            #expect((first?["inputs"] as? [String])?.count == 5)
            let reload = try await client.execute(uri: "/models/reload", method: .post)
            #expect(reload.status.code == 503)
            let spec = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(spec.status == .ok)
            #expect(String(buffer: spec.body).hasPrefix("openapi: 3.1"))
            // Every route of the spec is routed (not the router's 404), and another method on it is a 405.
            for route in try Self.specRoutes() {
                let uri = route.path
                let response = try await client.execute(uri: uri, method: HTTPRequest.Method(route.method)!, headers: jsonHeaders, body: json("{}"))
                #expect(![404, 405].contains(response.status.code) || route.path == "/predict/accident_severity_logistic",
                        "\(route.method) \(route.path): \(response.status)")
                // Any other method, even one the router has never heard of, is a 405 naming the path's methods.
                for method in [route.method == "GET" ? HTTPRequest.Method.delete : .get, .trace, HTTPRequest.Method("QUERY")!] {
                    let other = try await client.execute(uri: uri, method: method)
                    #expect(other.status.code == 405, "\(method) \(route.path)")
                    #expect(other.headers[.allow] == (route.method == "GET" ? "GET, HEAD" : route.method), "\(route.path)")
                }
            }
        }
        // Every route of the spec has a route in the router, and every route of the router is in the spec
        // (/predict/{model} as the two models' paths).
        let spec = try Self.specRoutes()
        for route in spec {
            #expect(ServeEndpoints.methods(allowedOn: route.path) == (route.method == "GET" ? "GET, HEAD" : route.method), "\(route.path) is routed")
        }
        for route in ServeEndpoints.routes {
            let concrete = route.path.replacingOccurrences(of: "{model}", with: "census_income_xgboost")
            #expect(spec.contains { $0.method == route.method && $0.path == concrete }, "\(route.method) \(route.path) is in openapi.yaml")
        }
    }

    @Test func test_the_page_has_a_form_per_model_and_shows_the_labels_escaped() async throws {
        let (census, _) = try censusCatalog()
        let accident = ServedModel.accident(
            name: "accident_severity_logistic", version: 2,
            model: try LogisticRegression(classCount: 3, featureCount: 2, coefficients: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], intercepts: [0, 0, 0]),
            features: ["light_conditions=1", "light_conditions=4"], classes: [1, 2, 3],
            labels: ["light_conditions": ["1": "Daylight", "4": "Darkness <lights \"lit\">", "-1": "Data missing or out of range"]],
            trainingData: nil, metrics: [("test_accuracy", 0.85)])
        let catalog = ModelCatalog(census.all + [accident], newestModelID: 2)
        let app = Application(router: try endpoints(catalog).router())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let page = String(buffer: response.body)
            #expect(page.contains(#"<form data-model="census_income_xgboost">"#))
            #expect(page.contains(#"<form data-model="accident_severity_logistic">"#))
            #expect(page.contains(#"<input type="number" name="age""#))
            #expect(page.contains(#"<option value="Never married">Never married</option>"#), "census labels without the file's leading space")
            // Codes in order, sent as numbers, shown with their label, escaped.
            #expect(page.contains(#"data-kind="number"><option value="">unknown</option><option value="-1">Data missing or out of range (-1)</option><option value="1">Daylight (1)</option><option value="4">Darkness &lt;lights &quot;lit&quot;&gt; (4)</option>"#))
            #expect(!page.contains("<lights"))
            #expect(!page.contains("src=") && !page.contains("<link"), "self-contained: no external asset")
            #expect(page.contains("test accuracy 0.850"))
            let other = try await client.execute(uri: "/", method: .post)
            #expect(other.status.code == 405 && other.headers[.allow] == "GET, HEAD")
        }
    }

    /// The `paths:` of openapi.yaml: each path at two spaces, each method at four.
    static func specRoutes() throws -> [(method: String, path: String)] {
        let lines = try String(contentsOfFile: Repository.path("openapi.yaml"), encoding: .utf8).split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "paths:") else { return [] }
        var routes: [(String, String)] = [], path = ""
        for line in lines[(start + 1)...] {
            if !line.hasPrefix(" ") && !line.isEmpty { break }
            if line.hasPrefix("  /") { path = String(line.dropFirst(2).dropLast()) }
            for method in ["get", "post", "put", "delete", "patch"] where line == "    \(method):" { routes.append((method.uppercased(), path)) }
        }
        return routes
    }

    @Test func test_predictions_are_served_while_the_log_cannot_reach_the_database_and_the_loss_is_counted() async throws {
        let (catalog, _) = try censusCatalog()
        let metrics = ServeMetrics()
        // A port nobody listens on: the log cannot write.
        let log = try PredictionLog(
            configuration: PostgresConfiguration(conninfo: "host=127.0.0.1 port=1 dbname=x connect_timeout=1"), capacity: 5,
            metrics: metrics, logger: Logger(label: "test"))
        let app = Application(router: try endpoints(catalog, metrics: metrics, log: log).router())
        try await app.test(.router) { client in
            let record = #"{"age": 38, "sex": "Female", "marital_stat": "Never married", "education": "Children", "tax_filer_stat": "Single"}"#
            let response = try await client.execute(
                uri: "/predict/census_income_xgboost", method: .post, headers: jsonHeaders, body: json("[" + Array(repeating: record, count: 8).joined(separator: ",") + "]"))
            #expect(response.status == .ok)
            #expect(!log.flush(), "the database is unreachable")
            let exposition = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(exposition.contains("pgpipe_serve_predictions_dropped_total 3"), "\(exposition)")
        }
    }

    /// Asked with a client of its own that waits up to 120 s: the server's handlers run on the concurrency
    /// pool, which the other suites share (and block on libpq) while the whole test run goes on; the live
    /// framework's own client gives up after 20 s (it did so once under the full run).
    @Test func test_a_live_server_on_loopback_answers() async throws {
        let (catalog, _) = try censusCatalog()
        let app = Application(router: try endpoints(catalog).router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(client.port!)/predict/census_income_xgboost")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(json(#"{"age": 52, "sex": "Male", "marital_stat": "Married-civilian spouse present", "education": "Masters degree(MA MS MEng MEd MSW MBA)", "tax_filer_stat": "Joint both under 65"}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status == .ok)
            #expect(String(buffer: body).contains("\"probability\":"))
        }
    }
}

/// POST /models/reload: open to loopback clients (the only ones a router test has none of) or to a bearer of the
/// token, at most once per interval; and HEAD on every GET route.
@Suite struct ServeReloadTests {
    actor Reloads {
        var count = 0
        func add() { count += 1 }
    }

    /// One request to the live server at `port`, with a client that waits up to 120 s (see the test above).
    func ask(_ port: Int, _ path: String, method: HTTPMethod = .POST, authorization: String? = nil) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        return (Int(response.status.code), response.headers, String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    /// The interval is a minute here, so that a loaded test machine cannot space the two requests past it.
    @Test func test_loopback_clients_reload_at_most_once_an_interval() async throws {
        let (catalog, _) = try censusCatalog()
        let reloads = Reloads()
        let app = Application(
            router: try endpoints(catalog, reload: { await reloads.add() }, reloadInterval: .seconds(60)).router(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = client.port!
            #expect(try await ask(port, "/models/reload").status == 200)
            let again = try await ask(port, "/models/reload")
            #expect(again.status == 429)
            #expect(again.headers["Retry-After"].first.flatMap { Int($0) }.map { (1...60).contains($0) } == true)
            #expect(await reloads.count == 1)
            // HEAD: GET's status and headers, no body.
            let head = try await ask(port, "/models", method: .HEAD)
            #expect(head.status == 200 && head.body.isEmpty)
            #expect(head.headers["Content-Type"].first == "application/json")
        }
        // A router test has no client address: not loopback, so no reload without a token.
        try await Application(router: try endpoints(catalog, reload: { await reloads.add() }).router()).test(.router) { client in
            let refused = try await client.execute(uri: "/models/reload", method: .post)
            #expect(refused.status.code == 403)
            #expect(String(buffer: refused.body).contains("--reload-token-file"))
        }
        #expect(await reloads.count == 1)
    }

    @Test func test_a_method_the_parser_does_not_know_is_a_problem_too() async throws {
        let (catalog, _) = try censusCatalog()
        let app = Application(
            router: try endpoints(catalog).router(),
            server: .http1(configuration: .init(additionalChannelHandlers: [ParserErrorProblem()])),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let answer = try await ask(client.port!, "/health", method: HTTPMethod(rawValue: "FOO"))
            #expect(answer.status == 400)
            #expect(answer.headers["Content-Type"].first == "application/problem+json")
            #expect(answer.body.contains("the method is not one HTTP/1.1 knows"), "\(answer.body)")
            // The server goes on answering.
            #expect(try await ask(client.port!, "/health", method: .GET).status == 200)
        }
    }

    @Test func test_with_a_token_only_its_bearer_reloads() async throws {
        let (catalog, _) = try censusCatalog()
        let reloads = Reloads()
        let app = Application(
            router: try endpoints(catalog, reload: { await reloads.add() }, reloadToken: "s3cret").router(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = client.port!
            for authorization in [nil, "Bearer wrong!", "Bearer s3cre", "Basic czNjcmV0", "bearer s3cret"] {
                let refused = try await ask(port, "/models/reload", authorization: authorization)
                #expect(refused.status == 401, "\(authorization ?? "none")")
                #expect(refused.headers["WWW-Authenticate"].first == #"Bearer realm="pgpipe-serve""#)
            }
            #expect(try await ask(port, "/models/reload", authorization: "Bearer s3cret").status == 200)
        }
        #expect(await reloads.count == 1)
    }
}

/// Models read from `ml.models` of a real database, loaded by `ingest`, answer exactly what the batch
/// paths stored: every census sample record's probability in census.predictions, every accident's three
/// probabilities in accident.predictions, bit for bit.
@Suite struct ServeFromDatabaseTests {
    @Test func test_served_predictions_equal_the_batch_predictions_bit_for_bit() async throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        let census = try runTool("ingest", ["census", "data/census/census_income_sample.csv", "--batch-date", "2026-11-20", "--data-dir", folder.path, "--quiet"], environment: database.environment)
        #expect(census.status == 0, "\(census.stderr)")
        let accidents = try runTool("ingest", ["accidents", "--data-dir", "data", "--rejects", "\(folder.path)/accidents_rejects.jsonl", "--quiet"], environment: database.environment)
        #expect(accidents.status == 0, "\(accidents.stderr)")

        // As the service's own role: it may read all that serving needs.
        let loader = ModelLoader(configuration: PostgresConfiguration(conninfo: "dbname=\(database.name) user=pgpipe_serve"), sql: SQLFolder(root: Repository.path("sql")), logger: Logger(label: "test"))
        let (models, newest, failed) = try loader.load()
        #expect(failed.isEmpty)
        #expect(Set(models.map(\.name)) == ["census_income_xgboost", "accident_severity_logistic"])
        let catalog = ModelCatalog(models, newestModelID: newest)
        let connection = try database.connect()
        let censusRows = try connection.query("""
            SELECT age, btrim(sex), btrim(marital_stat), btrim(education), btrim(tax_filer_stat), probability::text
            FROM census.predictions ORDER BY source_line
            """).rows
        #expect(censusRows.count == 10_000)
        let accidentRows = try connection.query("""
            SELECT a.police_force, a.officer_attended, a.light_conditions, a.weather_conditions, a.road_surface_conditions,
                   a.special_conditions_at_site, a.carriageway_hazards, a.urban_or_rural_area,
                   p.probability_fatal::text, p.probability_serious::text, p.probability_slight::text
            FROM accident.predictions p JOIN accident.accidents a USING (accident_index) ORDER BY accident_index
            """).rows
        #expect(accidentRows.count > 10_000)

        func text(_ value: String?) -> JSONText.Value { value.map(JSONText.Value.string) ?? .null }
        func number(_ value: String?) -> JSONText.Value { value.map(JSONText.Value.number) ?? .null }
        let censusRecords = censusRows.map { row in
            JSONText.Value.object([("age", number(row[0])), ("sex", text(row[1])), ("marital_stat", text(row[2])), ("education", text(row[3])), ("tax_filer_stat", text(row[4]))])
        }
        let accidentRecords = accidentRows.map { row in
            JSONText.Value.object(["police_force", "officer_attended", "light_conditions", "weather_conditions", "road_surface_conditions",
                                   "special_conditions_at_site", "carriageway_hazards", "urban_or_rural_area"].enumerated().map { ($1, number(row[$0])) })
        }
        // Requests of 1,000 records each, and what the batch paths stored for them (as bit patterns).
        func bodies(_ records: [JSONText.Value]) -> [[UInt8]] {
            stride(from: 0, to: records.count, by: 1000).map { start in
                var body: [UInt8] = []
                JSONText.append(.array(Array(records[start..<min(start + 1000, records.count)])), to: &body)
                return body
            }
        }
        let censusBodies = bodies(censusRecords), accidentBodies = bodies(accidentRecords)
        let censusExpected = try censusRows.map { try #require(Double($0[5] ?? "")).bitPattern }
        let accidentExpected = try accidentRows.map { row in try [8, 9, 10].map { try #require(Double(row[$0] ?? "")).bitPattern } }
        // Every served prediction is recorded, as pgpipe_serve (which may insert there and nothing more).
        let log = try PredictionLog(
            configuration: PostgresConfiguration(conninfo: "dbname=\(database.name) user=pgpipe_serve"), capacity: 200_000,
            metrics: ServeMetrics(), logger: Logger(label: "test"))
        let app = Application(router: try endpoints(catalog, log: log).router())
        try await app.test(.router) { client in
            /// The numbers after `key` in the answer, read with Double(String) (correctly rounded; Foundation's
            /// JSONSerialization is not), as bit patterns.
            func post(_ model: String, _ body: [UInt8], _ key: String) async throws -> [UInt64] {
                let response = try await client.execute(uri: "/predict/\(model)", method: .post, headers: jsonHeaders, body: ByteBuffer(bytes: body))
                #expect(response.status == .ok, "\(String(buffer: response.body).prefix(500))")
                let text = String(buffer: response.body)
                return text.ranges(of: "\"\(key)\":").map { range in
                    let digits = text[range.upperBound...].prefix { "0123456789.eE+-".contains($0) }
                    return Double(String(digits))?.bitPattern ?? 0
                }
            }
            var served: [UInt64] = []
            for body in censusBodies { served += try await post("census_income_xgboost", body, "probability") }
            #expect(served == censusExpected, "census probabilities equal census.predictions, bit for bit")
            var servedAccidents: [[UInt64]] = []
            for body in accidentBodies {
                let (fatal, serious, slight) = (
                    try await post("accident_severity_logistic", body, "fatal"), try await post("accident_severity_logistic", body, "serious"),
                    try await post("accident_severity_logistic", body, "slight"))
                servedAccidents += fatal.indices.map { [fatal[$0], serious[$0], slight[$0]] }
            }
            #expect(servedAccidents.count == accidentExpected.count)
            #expect(zip(servedAccidents, accidentExpected).filter { $0 != $1 }.count == 0, "accident probabilities equal accident.predictions, bit for bit")
            #expect(log.flush())
            // A lookup label scores as its code; "Data missing or out of range" (-1) as a missing value.
            let byCode = try await client.execute(uri: "/predict/accident_severity_logistic", method: .post, headers: jsonHeaders, body: json(
                #"{"police_force": 1, "officer_attended": 1, "light_conditions": -1, "weather_conditions": 1, "road_surface_conditions": 1, "special_conditions_at_site": 0, "carriageway_hazards": 0, "urban_or_rural_area": 1}"#))
            let byLabel = try await client.execute(uri: "/predict/accident_severity_logistic", method: .post, headers: jsonHeaders, body: json(
                #"{"police_force": "Metropolitan Police", "officer_attended": 1, "light_conditions": "data missing or out of range", "weather_conditions": 1, "road_surface_conditions": 1, "special_conditions_at_site": 0, "carriageway_hazards": 0, "urban_or_rural_area": 1}"#))
            #expect(byCode.status == .ok && String(buffer: byCode.body) == String(buffer: byLabel.body), "\(String(buffer: byLabel.body))")
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"pgpipe_serve_predictions_total{model="census_income_xgboost",version="1"} 10000"#), "\(metrics)")
        }
        // 10,000 census records once, 20,000 accidents three times (one post per probability read above).
        #expect(try connection.query("SELECT count(*) FROM ml.served_predictions").rows[0].decode(Int.self, 0) == 10_000 + 3 * accidentRows.count)
        let first = try connection.query("""
            SELECT s.inputs::text, (s.output ->> 'probability')::float8::text FROM ml.served_predictions s
            JOIN ml.models m USING (model_id) WHERE m.kind = 'xgboost' AND s.inputs ->> 'age' = (SELECT age::text FROM census.predictions ORDER BY source_line LIMIT 1)
            LIMIT 1
            """).rows
        #expect(first.count == 1)
        // Online drift: the records served are the reference batch's own, so every input's PSI is 0.
        let report = try runTool("summary", ["served_drift", "--output", folder.path], environment: database.environment(as: "pgpipe_summary"))
        #expect(report.status == 0, "\(report.stderr)")
        let drift = try String(contentsOfFile: "\(folder.path)/served_drift.csv", encoding: .utf8)
        #expect(drift.split(separator: "\r\n").count == 5, "\(drift)")
        #expect(drift.split(separator: "\r\n").dropFirst().allSatisfy { $0.hasSuffix(",10000,0.000000") }, "\(drift)")
    }
}
