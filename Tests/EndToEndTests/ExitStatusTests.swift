import CommandSupport
import Failures
import Foundation
import TestSupport
import Testing

/// The exit statuses have one home, `ExitStatus.all`: every status a failure maps to is in it, the commands'
/// help prints it, and the table of docs/commands.md lists exactly its statuses, in its order.
@Suite struct ExitStatusTests {
    @Test func test_every_status_is_in_the_table_and_the_docs_list_the_table() throws {
        let table = ExitStatus.all.map(\.status)
        let mapped = Failure.allCases.map(ExitStatus.of) + [ExitStatus.software, ExitStatus.usage, 0]
        #expect(Set(mapped).subtracting(table).isEmpty, "statuses missing from ExitStatus.all: \(Set(mapped).subtracting(table).sorted())")
        #expect(Set(table).count == table.count)

        let docs = try String(contentsOfFile: Repository.path("docs/commands.md"), encoding: .utf8)
        let section = try #require(docs.components(separatedBy: "## Exit status (sysexits)").dropFirst().first)
        let documented = section.components(separatedBy: "\n\n").first { $0.hasPrefix("| status |") }?
            .split(separator: "\n").dropFirst(2).compactMap { Int32($0.split(separator: "|").first?.trimmingCharacters(in: .whitespaces) ?? "") }
        #expect(documented == table, "docs/commands.md lists \(documented ?? []), ExitStatus.all \(table)")

        for tool in ["ingest", "summary"] {
            let help = try runTool(tool, ["--help"], environment: [:])
            let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(words.contains(ExitStatus.help), "\(tool) --help: \(help.stdout)")
        }
    }
}
