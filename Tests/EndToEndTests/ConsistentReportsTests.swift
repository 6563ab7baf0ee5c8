import Foundation
import Postgres
import TestSupport
import Testing

/// `summary` while loads replace data: every report run must see one committed state of the database whole,
/// never an emptied table or a batch swapped half in (TRUNCATE and the partition swap are not MVCC-safe for a
/// snapshot taken before they commit; summary waits on ingest.read_gate before its snapshot).
@Suite(.serialized) struct ConsistentReportsTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    /// Every report file a summary run writes, by name.
    typealias Outputs = [String: Data]

    func summary() throws -> Outputs {
        let output = "\(folder.path)/summary-\(UUID().uuidString)"
        let run = try runTool("summary", ["--output", output], environment: database.environment)
        #expect(run.status == 0, "\(run.stderr)")
        defer { try? FileManager.default.removeItem(atPath: output) }
        var outputs: Outputs = [:]
        // The manifest names the run (its time, its loads' run ids): the reports are what must match a state.
        for name in try FileManager.default.contentsOfDirectory(atPath: output)
        where (name.hasSuffix(".json") || name.hasSuffix(".csv")) && name != "summary_manifest.json" {
            outputs[name] = try Data(contentsOf: URL(fileURLWithPath: "\(output)/\(name)"))
        }
        return outputs
    }

    /// Starts `ingest` with `arguments`, runs summaries until it exits, and returns what they saw.
    func summariesDuring(_ arguments: [String]) throws -> [Outputs] {
        let buildFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let load = Process()
        load.executableURL = buildFolder.appendingPathComponent("ingest")
        load.arguments = arguments + ["--quiet", "--log-level", "error"]
        load.environment = database.environment
        load.currentDirectoryURL = Repository.root
        load.standardOutput = FileHandle.nullDevice
        try load.run()
        var seen: [Outputs] = []
        while load.isRunning { seen.append(try summary()) }
        load.waitUntilExit()
        #expect(load.terminationStatus == 0, "\(arguments)")
        return seen
    }

    /// A file of `copies` copies of `source`'s data lines, under a header if it has one.
    func repeated(_ source: String, copies: Int, header: Bool, name: String) throws -> String {
        let text = try String(contentsOfFile: source, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let first = header ? String(lines.removeFirst()) + "\n" : ""
        let body = lines.joined(separator: "\n") + "\n"
        return try folder.write(name, first + String(repeating: body, count: copies))
    }

    func check(_ seen: [Outputs], against states: [String: Outputs]) {
        for outputs in seen {
            let match = states.first { $0.value == outputs }?.key
            #expect(match != nil, "a report run saw none of the committed states: \(Self.difference(outputs, states.values.first!))")
        }
    }

    static func difference(_ a: Outputs, _ b: Outputs) -> String {
        a.keys.sorted().filter { a[$0] != b[$0] }.map { "\($0): \(a[$0]?.count ?? 0) bytes" }.joined(separator: ", ")
    }

    @Test func test_summaries_during_people_reloads_see_the_old_or_the_new_load_whole() throws {
        let people = Repository.path("data")
        let big = try repeated("\(people)/people.csv", copies: 20, header: true, name: "people-200k.csv")
        let smaller = try repeated("\(people)/people.csv", copies: 12, header: true, name: "people-120k.csv")
        func load(_ file: String) -> [String] {
            ["load", "people", "--file", "places=\(people)/places.csv", "--file", "people=\(file)", "--rejects", "\(folder.path)/rejects.jsonl", "--allow-shrink"]
        }
        #expect(try runTool("ingest", load(big) + ["--quiet"], environment: database.environment).status == 0)
        let bigState = try summary()
        #expect(try runTool("ingest", load(smaller) + ["--quiet"], environment: database.environment).status == 0)
        let smallerState = try summary()
        #expect(bigState != smallerState)
        var seen: [Outputs] = []
        for file in [big, smaller, big, smaller] { seen += try summariesDuring(load(file)) }
        check(seen, against: ["200,000 people": bigState, "120,000 people": smallerState])
        #expect(!seen.isEmpty)
    }

    @Test func test_a_summary_waits_for_a_load_only_as_long_as_told() throws {
        #expect(try runTool("ingest", ["migrate"], environment: database.environment).status == 0)
        // A load stuck while it holds the people gate (as begin_replacement takes it).
        let stuck = try database.connect()
        try stuck.execute(script: "BEGIN; SELECT ingest.close_read_gate('people')")
        let run = try runTool("summary", ["--output", "\(folder.path)/out", "--wait-for-loads", "1"], environment: database.environment)
        #expect(run.status == 75, "\(run.stderr)")
        #expect(run.stderr.contains("loads were still replacing data after 1 s"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/out/summary_output.json"))
        try stuck.execute(script: "ROLLBACK")
        #expect(try runTool("summary", ["--output", "\(folder.path)/out"], environment: database.environment).status == 0)
    }

    @Test func test_summaries_during_census_batch_reloads_see_whole_batches() throws {
        let sample = Repository.path("data/census/census_income_sample.csv")
        let double = try repeated(sample, copies: 2, header: false, name: "census-20k.csv")
        func load(_ file: String, score: Bool = true) -> [String] {
            ["census", file, "--batch-date", "2026-11-20", "--data-dir", folder.path, "--allow-shrink"] + (score ? [] : ["--no-score"])
        }
        let score = ["score", "--batch-date", "2026-11-20"]
        // `ingest census` commits the batch, then its scores: three committed states per reload.
        var states: [String: Outputs] = [:]
        #expect(try runTool("ingest", load(double) + ["--quiet"], environment: database.environment).status == 0)
        states["20,000 scored"] = try summary()
        #expect(try runTool("ingest", load(sample, score: false) + ["--quiet"], environment: database.environment).status == 0)
        states["10,000 unscored"] = try summary()
        #expect(try runTool("ingest", score, environment: database.environment).status == 0)
        states["10,000 scored"] = try summary()
        #expect(try runTool("ingest", load(double, score: false) + ["--quiet"], environment: database.environment).status == 0)
        states["20,000 unscored"] = try summary()
        #expect(try runTool("ingest", score, environment: database.environment).status == 0)
        #expect(try summary() == states["20,000 scored"], "reloading and scoring again reaches the same state")
        var seen: [Outputs] = []
        for file in [sample, double] { seen += try summariesDuring(load(file)) }
        check(seen, against: states)
        #expect(!seen.isEmpty)
    }
}
