import Foundation
import Postgres
import TestSupport
import Testing

/// Census batches of different dates loaded at the same time end as loading them one by one does: the
/// records, the labels they add, the predictions and the model's performance rows.
@Suite struct ParallelBatchTests {
    /// The census sample cut into `count` batch files, some with labels no lookup has yet: the same new
    /// label in batches that load at the same time, so that one of them must take the other's id.
    static func batchFiles(_ count: Int, in folder: TemporaryFolder) throws -> [(date: String, path: String)] {
        let lines = try String(contentsOfFile: Repository.path("data/census/census_income_sample.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let size = (lines.count + count - 1) / count
        let newLabels: [Int: [(field: Int, label: String)]] = [
            3: [(1, " Astronaut")], 4: [(1, " Pilot"), (4, " Rocket science")], 5: [(1, " Astronaut")],
            6: [(4, " Rocket science"), (1, " Pilot")], 8: [(1, " Astronaut"), (7, " Space married")],
        ]
        return try (0..<count).map { index in
            var batch = Array(lines[(index * size)..<min(lines.count, (index + 1) * size)])
            for (offset, change) in (newLabels[index] ?? []).enumerated() {
                var fields = batch[offset * 7].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                fields[change.field] = change.label
                batch[offset * 7] = fields.joined(separator: ",")
            }
            let date = String(format: "2026-11-%02d", 10 + index)
            return (date, try folder.write("\(date).csv", batch.joined(separator: "\n") + "\n"))
        }
    }

    /// What a census load leaves, with the lookups' surrogate ids left out (they number labels in the order
    /// loads added them): every census table and view, the model's reference batch, the ledger's counts.
    static func state(of database: ScratchDatabase) throws -> [String: [String]] {
        let connection = try database.connect()
        func rows(_ query: String) throws -> [String] {
            try connection.query(SQLQuery(unescaped: query)).rows.map { try $0.decode(String.self, 0) }
        }
        var state: [String: [String]] = [:]
        let relations = try rows("""
            SELECT relname::text FROM pg_class WHERE relnamespace = 'census'::regnamespace AND relkind IN ('r', 'p', 'v')
            AND NOT relispartition AND relname <> 'persons' ORDER BY 1
            """)
        for name in relations {
            state[name] = try rows("SELECT (to_jsonb(t) - 'id')::text FROM census.\(name) t ORDER BY 1")
        }
        state["ml.models"] = try rows("SELECT concat_ws(' ', name, version, reference_batch) FROM ml.models ORDER BY 1")
        state["ingest.runs"] = try rows(
            "SELECT concat_ws(' ', dataset, batch, status, rows_read, rows_loaded, rows_rejected) FROM ingest.runs ORDER BY 1")
        return state
    }

    /// The fields in which two rows (as JSON objects) differ.
    static func difference(_ a: String?, _ b: String?) -> String {
        func object(_ text: String?) -> [String: String] {
            guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
            return object.mapValues { "\($0)" }
        }
        let (x, y) = (object(a), object(b))
        return Set(x.keys).union(y.keys).sorted().filter { x[$0] != y[$0] }.map { "\($0): \(x[$0] ?? "-") / \(y[$0] ?? "-")" }.joined(separator: ", ")
    }

    @Test func test_eight_batches_in_four_concurrent_processes_end_as_the_serial_loads_do() throws {
        let folder = try TemporaryFolder()
        let batches = try Self.batchFiles(9, in: folder)
        let data = folder.path
        @Sendable func load(_ batch: (date: String, path: String), into environment: [String: String]) -> (status: Int32, stderr: String) {
            do {
                let run = try runTool(
                    "ingest", ["census", batch.path, "--batch-date", batch.date, "--data-dir", data, "--quiet"], environment: environment)
                return (run.status, run.stderr)
            } catch {
                return (-1, "\(error)")
            }
        }

        let serial = try ScratchDatabase("serial_batches")
        for batch in batches {
            let run = load(batch, into: serial.environment)
            #expect(run.status == 0, "\(batch.date): \(run.stderr)")
        }

        // The first batch is the model's reference (drift is measured against it), so it goes first, as a
        // backfill would start; then the other eight, four processes at a time, two batches each.
        let parallel = try ScratchDatabase("parallel_batches")
        let environment = parallel.environment
        let first = load(batches[0], into: environment)
        #expect(first.status == 0, "\(first.stderr)")
        let rest = Array(batches.dropFirst())
        nonisolated(unsafe) var runs = [(status: Int32, stderr: String)?](repeating: nil, count: rest.count)
        DispatchQueue.concurrentPerform(iterations: 4) { process in
            for index in [process, process + 4] { runs[index] = load(rest[index], into: environment) }
        }
        for (batch, run) in zip(rest, runs) { #expect(run?.status == 0, "\(batch.date): \(run?.stderr ?? "not run")") }

        let expected = try Self.state(of: serial), seen = try Self.state(of: parallel)
        #expect(expected["persons_labelled"]?.count == 10_000)
        #expect(expected["predictions"]?.count == 10_000)
        #expect(expected["model_performance"]?.count == 9)
        #expect(expected["class_of_worker"]?.contains { $0.contains("\"Astronaut\"") } == true, "the new labels were added")
        #expect(seen.keys.sorted() == expected.keys.sorted())
        for name in expected.keys.sorted() {
            let only = (parallel: Set(seen[name] ?? []).subtracting(expected[name] ?? []), serial: Set(expected[name] ?? []).subtracting(seen[name] ?? []))
            #expect(seen[name] == expected[name], "\(name): \(only.parallel.count) rows only in the parallel load, \(only.serial.count) only in the serial; \(Self.difference(only.parallel.sorted().first, only.serial.sorted().first))")
        }
    }
}
