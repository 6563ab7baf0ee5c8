// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "pgpipe",
    products: [
        .executable(name: "ingest", targets: ["ingest"]),
        .executable(name: "summary", targets: ["summary"]),
        .executable(name: "serve", targets: ["serve"]),
        .executable(name: "ingestion-api-mock", targets: ["ingestion-api-mock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // libpq, nothing else.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // SQLite, for legacy database exports read as a record source.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // zlib, for gzip-compressed input files.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // What failed, as every module's errors say it (exit statuses are chosen from it in one place).
        .target(name: "Failures"),
        // The thin libpq wrapper: connections, queries with bind parameters, transactions, COPY.
        .target(name: "Postgres", dependencies: ["CLibPQ", "Failures"]),
        // Bytes in, records out: file input, CSV and SQLite readers. No database.
        .target(
            name: "Records",
            dependencies: ["CSQLite", "CZlib", "Failures", .product(name: "Crypto", package: "swift-crypto")]),
        // Field types, dates, UTF-8, the row validator (writing accepted rows as COPY text) and the reject record.
        // No database.
        .target(name: "Validation", dependencies: ["Records", "Formats"]),
        // Model formats and their maths: tree walk, one-hot encoding, logistic regression, metrics, drift.
        // Foundation only, so a prediction service links nothing else to reach it.
        .target(name: "Scoring"),
        // Text formats several modules write (JSON, COPY text) and files renamed into place when complete.
        .target(name: "Formats", dependencies: ["Failures"]),
        // The product's SQL folder (transforms and queries read at run time) and the batch partition swap.
        .target(name: "Schema", dependencies: ["Postgres", "Failures"]),
        // Dataset contracts read from YAML files, the loader and its modes, ledger, rejects and migrations.
        .target(
            name: "Ingestion",
            dependencies: [
                "Postgres", "Records", "Validation", "Formats", "Schema", "Failures",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The model registry, batch scoring, performance tracking and training runs.
        .target(
            name: "ModelStore",
            dependencies: [
                "Postgres", "Scoring", "Formats", "Schema", "Failures",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The report catalog, a plain table value, JSON/CSV/HTML renderers and the runner.
        .target(
            name: "Reporting",
            dependencies: ["Postgres", "Formats", "Failures", "Scoring", .product(name: "Crypto", package: "swift-crypto")]),
        // Reports sent on: a report's rows PUT page by page to an HTTP ingestion endpoint, with idempotency keys
        // and retries.
        .target(
            name: "Publishing",
            dependencies: [
                "Reporting", "Formats", "Failures",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // What every command line shares: connection options, logging, errors to exit statuses.
        .target(
            name: "CommandSupport",
            dependencies: [
                "Postgres", "Failures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Serving the registered models over HTTP: the catalogue, the predict endpoint, problem+json, metrics.
        .target(
            name: "Serving",
            dependencies: [
                "Scoring", "Postgres", "Schema", "Formats", "Failures",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "serve",
            dependencies: [
                "Serving", "CommandSupport", "Failures", "Postgres", "Schema",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "ingest",
            dependencies: [
                "CommandSupport", "Ingestion", "ModelStore", "Scoring", "Validation", "Schema", "Postgres", "Formats", "Failures",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "summary",
            dependencies: [
                "CommandSupport", "Reporting", "Publishing", "Postgres", "Failures", "Schema",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // A stand-in for the fictional ingestion API the wind report is published to: a real HTTP server for the
        // tests (in process), scripts/run and the compose service wind-api. Not part of the product.
        .target(
            name: "IngestionAPIMock",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log")],
            path: "Tools/IngestionAPIMock"),
        .executableTarget(name: "ingestion-api-mock", dependencies: ["IngestionAPIMock"], path: "Tools/ingestion-api-mock"),
        // scripts/bench's like-for-like contender for xgboost's inplace_predict: the tree walk alone.
        .executableTarget(name: "score-benchmark", dependencies: ["Scoring"], path: "Benchmarks/ScoreBenchmark"),
        // scripts/bench's measure of the JSON record source alone, against Python's json module.
        .executableTarget(name: "json-benchmark", dependencies: ["Ingestion", "Records", "Failures"], path: "Benchmarks/JSONSourceBenchmark"),
        .executableTarget(name: "csv-benchmark", dependencies: ["Records", "Failures"], path: "Benchmarks/CSVSourceBenchmark"),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport"]
        ),
        // Fast unit tests, no database: one target per module.
        .testTarget(name: "RecordsTests", dependencies: ["Records", "Validation", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "Records", "Formats"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "TestSupport"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Failures", "TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
        // The service's routes in process (HummingbirdTesting) and on a live loopback server, against models
        // read from a real Postgres.
        .testTarget(
            name: "ServingTests",
            dependencies: [
                "Serving", "Scoring", "Postgres", "Schema", "Failures", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Loads run in process against a scratch database: contracts read, planned, applied, loaded in each mode.
        .testTarget(
            name: "IngestionTests",
            dependencies: [
                "Ingestion", "Postgres", "Schema", "Failures", "Validation", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The end-to-end suites: the built `ingest` and `summary` against a real Postgres.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Postgres", "Failures", "Ingestion", "Schema", "TestSupport", "IngestionAPIMock", "CommandSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A scratch database per test suite on the server the test command started.
        .target(name: "TestSupport", dependencies: ["Postgres"], path: "Tests/TestSupport"),
    ]
)
