import CommandSupport
import Foundation
import TestSupport
import Testing

/// Every option that takes a number or a URL, given hostile values: each run ends with a status the tools
/// document and one line on standard error, never a trap, a hang or a raw runtime message. The values are
/// boundaries and spellings that broke parsers before (a port past 65535 trapped summary), plus random ones
/// from a fixed seed, so a failure can be run again.
@Suite struct OptionFuzzTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
        #expect(try runTool("ingest", ["migrate"], environment: database.environment).status == 0)
    }

    static let numbers = [
        "", "-", "-1", "0", "1", "0.5", "1e309", "-1e309", "nan", "NaN", "inf", "-inf", "1_000", "0x10", "07",
        "2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999",
        " 1", "1 ", "１", "1e2", "4.9e-324", "+5",
    ]
    static let urls = [
        "", "http://", "http://:80/x", "http://127.0.0.1:99999/x", "http://127.0.0.1:-1/x", "http://127.0.0.1:0/x",
        "http://127.0.0.1:65536/x", "http://127.0.0.1:4294967297/x", "http://127.0.0.1:1e3/x", "http://[::1/x", "http://[::1]:x/",
        "ftp://127.0.0.1/x", "127.0.0.1:8080", "http://u:p@/x", "http://%zz/x", "http:///x", "HTTP://127.0.0.1:1/x",
        "http://127.0.0.1:1/" + String(repeating: "a", count: 9000), "http://ünïcode.invalid:1/x", "javascript:alert(1)",
    ]

    /// Random text from characters that parsers trip on.
    static func randomValues(_ count: Int) -> [String] {
        var generator = SplitMix64(seed: 29)
        let alphabet = Array("0123456789-+.eE:/@[]%x nN\u{00e9}\u{ff11}")
        return (0..<count).map { _ in
            String((0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
    }

    func expectHandled(_ tool: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try runTool(tool, arguments, environment: database.environment)
        let what = "\(tool) \(arguments.joined(separator: " ")): \(run.status) \(run.stderr.prefix(300))"
        #expect(!run.crashed, "\(what)", sourceLocation: sourceLocation)
        #expect((ExitStatus.all.map(\.status) + [1]).contains(run.status) && run.status != ExitStatus.software, "\(what)", sourceLocation: sourceLocation)
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Swift runtime failure"), "\(what)", sourceLocation: sourceLocation)
    }

    @Test func test_numeric_and_url_options_never_crash() throws {
        let hostile = Self.numbers + Self.randomValues(12)
        let output = "\(folder.path)/out"
        // summary: options checked before it connects, and --put-url also when given through the environment.
        for option in ["--page-size", "--put-attempts", "--put-retry-delay", "--put-timeout", "--replay-timeout", "--wait-for-loads", "--wait-for-run", "--after-lsn"] {
            for value in hostile { try expectHandled("summary", ["weekly_summary", "--output", output, option, value]) }
        }
        for url in Self.urls + Self.randomValues(8) {
            try expectHandled("summary", ["wind_orders_joined", "--output", output, "--put", "--put-attempts", "1", "--put-timeout", "1", "--put-url", url])
        }
        // ingest: limits and dates (a usage error before any file is read).
        for option in ["--max-rejects", "--shrink-limit", "--lock-timeout", "--batch-date"] {
            for value in hostile {
                try expectHandled("ingest", ["census", "/no/such/file.csv", "--no-score", "--data-dir", folder.path, option, value])
            }
        }
        for value in hostile { try expectHandled("ingest", ["infer", "/no/such/file.csv", "--sample-rows", value]) }
        // serve: --probe checks the options, then asks a port nothing listens on and exits 1.
        for option in ["--port", "--max-records", "--max-body-bytes", "--client-timeout", "--refresh"] {
            for value in hostile { try expectHandled("serve", ["--probe", "--host", "127.0.0.1", option, value]) }
        }
    }
}

/// SplitMix64: a seeded generator, so a failing value can be found again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
