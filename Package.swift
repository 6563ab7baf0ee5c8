// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "pgpipe",
    products: [
        .executable(name: "ingest", targets: ["ingest"]),
        .executable(name: "summary", targets: ["summary"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
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
        // The thin libpq wrapper both services share.
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        // Datasets, record sources, validation, loading, migrations and reports.
        .target(
            name: "Pipeline",
            dependencies: [
                "Postgres", "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the two command lines share: connection options, logging, errors to exit statuses.
        .target(
            name: "ServiceCommand",
            dependencies: [
                "Pipeline", "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "ingest", dependencies: ["ServiceCommand"]),
        .executableTarget(name: "summary", dependencies: ["ServiceCommand"]),
        // scripts/bench's like-for-like contender for xgboost's inplace_predict: the tree walk alone.
        .executableTarget(name: "score-benchmark", dependencies: ["Pipeline"], path: "Benchmarks/ScoreBenchmark"),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport"]
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Postgres", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // A scratch database per test suite on the server the test command started.
        .target(name: "TestSupport", dependencies: ["Postgres"], path: "Tests/TestSupport"),
    ]
)
