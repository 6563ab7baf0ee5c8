import Foundation
import TestSupport
import Testing

@Suite struct CensusSplitTests {
    /// The sample cut into 28 days: each day file holds exactly the bytes the Python reference, written from
    /// the documented rule alone, says it must; every line is in one day; running again changes nothing;
    /// and a file that is there already is left alone unless --replace is given.
    @Test func test_the_sample_is_cut_into_days_by_the_documented_rule() throws {
        let folder = try TemporaryFolder()
        let output = "\(folder.path)/incoming"
        let arguments = ["census-split", "data/census/census_income_sample.csv", "--first-day", "2026-10-26", "--days", "28", "--seed", "2026", "--output", output]
        let split = try runTool("ingest", arguments, environment: ProcessInfo.processInfo.environment)
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.contains("10000 lines of data/census/census_income_sample.csv → 28 days, 2026-10-26 to 2026-11-22"), "\(split.stdout)")

        let reference = Process()
        reference.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reference.arguments = ["python3", Repository.path("scripts/reference/census_split.py"), Repository.path("data/census/census_income_sample.csv"), "2026-10-26", "28", "2026", "\(folder.path)/reference"]
        let pipe = Pipe()
        reference.standardOutput = pipe
        try reference.run()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        reference.waitUntilExit()
        #expect(expected.count == 28)
        var total = 0
        for line in expected {
            let parts = line.split(separator: " ").map(String.init)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(output)/\(parts[0]).csv"))
            #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/reference/\(parts[0]).csv"))), "\(parts[0])")
            total += Int(parts[1])!
        }
        #expect(total == 10_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).count == 28)

        // The files are there: left alone, exit 73, unless --replace, which writes the same bytes again.
        let day = "\(output)/2026-11-01.csv"
        let before = try Data(contentsOf: URL(fileURLWithPath: day))
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: day))
        let again = try runTool("ingest", arguments, environment: ProcessInfo.processInfo.environment)
        #expect(again.status == 73)
        #expect(again.stderr.contains("exists; it is left as it is (give --replace"), "\(again.stderr)")
        #expect(try String(contentsOfFile: day, encoding: .utf8) == "mine\n")
        let replaced = try runTool("ingest", arguments + ["--replace"], environment: ProcessInfo.processInfo.environment)
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: day)) == before)
    }

    /// Lines end at LF, CRLF or a lone CR, as the loader reads them; a day left empty, or a span past the
    /// calendar, is refused before a file is written.
    @Test func test_line_endings_and_empty_days() throws {
        let folder = try TemporaryFolder()
        let env = ProcessInfo.processInfo.environment
        let cr = try folder.write("cr.csv", "a\rb\r\nc\nd")
        let split = try runTool("ingest", ["census-split", cr, "--days", "2", "--output", "\(folder.path)/cr"], environment: env)
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.stdout.contains("4 lines of"), "\(split.stdout)")
        let written = try ["2026-10-26", "2026-10-27"].map { try String(contentsOfFile: "\(folder.path)/cr/\($0).csv", encoding: .utf8) }.joined()
        #expect(written.count == "a\rb\r\nc\nd".count)

        let few = try runTool("ingest", ["census-split", cr, "--days", "5", "--output", "\(folder.path)/few"], environment: env)
        #expect(few.status == 65)
        #expect(few.stderr.contains("4 lines for 5 days leave"), "\(few.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(folder.path)/few")) ?? []).isEmpty, "no day file written")
        let late = try runTool("ingest", ["census-split", cr, "--first-day", "9999-12-31", "--days", "3", "--output", "\(folder.path)/late"], environment: env)
        #expect(late.status == 64)
    }
}
