import Foundation
import Postgres
import TestSupport
import Testing

/// A file that is wrong in one known way, and what `ingest` must do with it.
struct BadInput: Sendable, CustomTestStringConvertible {
    let name: String
    /// people.csv bytes (places.csv is the real one), or nil when `arguments` point elsewhere.
    let people: [UInt8]?
    var arguments: [String] = []
    let status: Int32
    /// Text the one error line (standard error) or the rejects must contain.
    let message: String
    /// Expected `read, loaded, rejected` when the load ran, counting places.csv's 114 rows.
    var counts: (read: Int, loaded: Int, rejected: Int)? = nil

    var testDescription: String { name }

    static let header = "given_name,family_name,date_of_birth,place_of_birth\n"
    static let good = "Ada,Lovelace,1815-12-10,Kelso\n"

    static func people(_ body: String, _ status: Int32, _ message: String, rows: Int, rejected: Int, name: String) -> BadInput {
        BadInput(name: name, people: Array((header + good + body).utf8), status: status, message: message,
                 counts: (114 + rows, 114 + rows - rejected, rejected))
    }

    static func bytes(_ bytes: [UInt8], _ message: String, name: String) -> BadInput {
        BadInput(name: name, people: Array((header + good).utf8) + bytes + [10], status: 65, message: message,
                 counts: (116, 115, 1))
    }

    static let cases: [BadInput] = [
        people("\"Unclosed,Quote,1900-01-01,Kelso\n", 65, "a quoted field opened on line 3 is never closed", rows: 2, rejected: 1, name: "unclosed quote at end of file"),
        people("Bad\"Quote,X,1900-01-01,Kelso\n", 65, "a quote inside an unquoted field (field 1)", rows: 2, rejected: 1, name: "quote inside an unquoted field"),
        people("A,B,1900-01-01,Kelso,extra\n", 65, "expected 4 fields, found 5", rows: 2, rejected: 1, name: "too many fields"),
        people("A,B,1900-01-01\n", 65, "expected 4 fields, found 3", rows: 2, rejected: 1, name: "too few fields"),
        bytes(Array("A".utf8) + [0xC0, 0xAF] + Array(",B,1900-01-01,Kelso".utf8), "invalid UTF-8 at byte 2 of the field", name: "overlong UTF-8"),
        bytes(Array("AB".utf8) + [0xE2, 0x82] + Array(",B,1900-01-01,Kelso".utf8), "invalid UTF-8 at byte 3 of the field", name: "truncated UTF-8 sequence"),
        bytes([0x80] + Array("A,B,1900-01-01,Kelso".utf8), "invalid UTF-8 at byte 1 of the field", name: "lone continuation byte"),
        bytes(Array("A".utf8) + [0] + Array("B,C,1900-01-01,Kelso".utf8), "NUL byte at byte 2 of the field", name: "NUL byte"),
        BadInput(name: "byte-order mark", people: [0xEF, 0xBB, 0xBF] + Array((header + good).utf8), status: 0, message: "", counts: (115, 115, 0)),
        BadInput(name: "CRLF line ends", people: Array((header + good + good).replacingOccurrences(of: "\n", with: "\r\n").utf8), status: 0, message: "", counts: (116, 116, 0)),
        people("A,B,1900-01-01,Kelso\r\nC,D,1900-01-01,Kelso\rE,F,1900-02-30,Kelso\n", 65, "no such calendar date", rows: 4, rejected: 1, name: "mixed line ends"),
        BadInput(name: "empty file", people: [], status: 65, message: "the file is empty: expected a header line"),
        BadInput(name: "header only", people: Array(header.utf8), status: 0, message: "", counts: (114, 114, 0)),
        BadInput(name: "duplicated header column", people: Array("given_name,given_name,family_name,date_of_birth,place_of_birth\n".utf8), status: 65, message: "column \"given_name\" appears twice in the header"),
        BadInput(name: "missing header column", people: Array("given_name,family_name,place_of_birth\n".utf8), status: 65, message: "missing column \"date_of_birth\" in the header"),
        people("A,B,1900-02-30,Kelso\n", 65, "no such calendar date", rows: 2, rejected: 1, name: "February 30"),
        people("A,B,0000-01-01,Kelso\n", 65, "no such calendar date", rows: 2, rejected: 1, name: "year 0"),
        people("A,B,2999-01-01,Kelso\n", 65, "date is in the future", rows: 2, rejected: 1, name: "date in the future"),
        people("A,B,1900-01-01,Atlantis\n", 65, "unknown place \"Atlantis\"", rows: 2, rejected: 1, name: "unknown place"),
        people(String(repeating: "x", count: 1 << 20) + ",B,1900-01-01,Kelso\n", 0, "", rows: 2, rejected: 0, name: "1 MiB field"),
        people(String(repeating: "a,", count: 9_999) + "a\n", 65, "expected 4 fields, found 10000", rows: 2, rejected: 1, name: "10,000-column line"),
        BadInput(name: "binary file, not CSV", people: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }, status: 65, message: "header"),
        BadInput(name: "missing file", people: nil, arguments: ["--file", "people=/no/such/people.csv"], status: 66, message: "/no/such/people.csv: no such file"),
        BadInput(name: "directory instead of a file", people: nil, arguments: ["--file", "people=/tmp"], status: 66, message: "/tmp: is a directory, not a regular file"),
        BadInput(name: "device instead of a file", people: nil, arguments: ["--file", "people=/dev/zero"], status: 66, message: "/dev/zero: is a character device, not a regular file"),
        BadInput(name: "injection-shaped values are data", people: Array((header + "Robert'); DROP TABLE people.people; --,\"x\"\"; SELECT 1\",1900-01-01,Kelso\n").utf8), status: 0, message: "", counts: (115, 115, 0)),
    ]
}

@Suite struct BadInputTests {
    @Test(arguments: BadInput.cases)
    func test_bad_input_has_its_exit_status_message_and_accounting(_ input: BadInput) throws {
        let database = try ScratchDatabase("bad_input")
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Repository.path("data/places.csv"), toPath: "\(folder.path)/places.csv")
        if let people = input.people { try folder.write("people.csv", people) }
        let run = try runTool(
            "ingest", ["load", "people", "--data-dir", folder.path, "--max-rejects", "10", "--quiet"] + input.arguments,
            environment: database.environment)
        #expect(run.status == input.status, "\(run.stderr)")
        if input.status != 0 && input.counts == nil {
            #expect(run.stderr.contains(input.message), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "one line: \(run.stderr)")
        }
        guard let counts = input.counts else { return }
        #expect(run.stdout == "read \(counts.read), loaded \(counts.loaded), rejected \(counts.rejected)\n")
        // The rejects file (in the data folder's rejects/) names each rejected row once, as the table does; a
        // load without rejects writes none.
        let rejectsPath = "\(folder.path)/rejects/people_rejects.jsonl"
        if counts.rejected == 0 {
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(folder.path)/rejects").isEmpty)
        } else {
            #expect(try String(contentsOfFile: rejectsPath, encoding: .utf8).split(separator: "\n").count == counts.rejected)
        }
        let connection = try database.connect()
        #expect(try connection.query("SELECT count(*) FROM people.people").rows[0].decode(Int.self, 0) == counts.loaded - 114)
        let rejects = try connection.query("SELECT reason FROM ingest.rejects").rows.map { try $0.decode(String.self, 0) }
        #expect(rejects.count == counts.rejected)
        if counts.rejected > 0 { #expect(rejects.contains { $0.contains(input.message) }, "\(rejects)") }
        let ledger = try connection.query("SELECT rows_read, rows_loaded, rows_rejected FROM ingest.runs").rows[0]
        #expect(try [ledger.decode(Int.self, 0), ledger.decode(Int.self, 1), ledger.decode(Int.self, 2)] == [counts.read, counts.loaded, counts.rejected])
    }

    @Test func test_a_fifo_input_is_refused_without_waiting_for_a_writer() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        #expect(mkfifo("\(folder.path)/people.csv", 0o600) == 0)
        let run = try runTool("ingest", ["load", "people", "--file", "people=\(folder.path)/people.csv", "--quiet"], environment: database.environment)
        #expect(run.status == 66)
        #expect(run.stderr == "ingest: error: \(folder.path)/people.csv: is a FIFO (named pipe), not a regular file\n")
    }

    @Test func test_error_lines_escape_control_characters_and_nul() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Repository.path("data/places.csv"), toPath: "\(folder.path)/places.csv")
        // A header naming a column with a terminal escape and a line break in it, and one with a NUL.
        for (header, shown) in [
            ("\"\u{1B}[31mgiven\nname\",family_name,date_of_birth,place_of_birth\n", "\\u{1B}[31mgiven\\nname"),
            ("given_name\u{0},family_name,date_of_birth,place_of_birth\n", "given_name\\0"),
        ] {
            try folder.write("people.csv", header)
            let run = try runTool("ingest", ["load", "people", "--data-dir", folder.path, "--quiet"], environment: database.environment)
            #expect(run.status == 65)
            #expect(run.stderr.split(separator: "\n").count == 1, "one line: \(run.stderr)")
            #expect(!run.stderr.contains("\u{1B}") && !run.stderr.contains("\u{0}"))
            #expect(run.stderr.contains("unknown column \"\(shown)\""), "\(run.stderr)")
        }
    }

    @Test func test_sqlite_file_without_the_table_is_an_input_error() throws {
        let database = try ScratchDatabase()
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Repository.path("data/accidents"), toPath: "\(folder.path)/accidents")
        try FileManager.default.removeItem(atPath: "\(folder.path)/accidents/de.db")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["python3", Repository.path("scripts/reference/sqlite_without_response.py"), "\(folder.path)/accidents/de.db"]
        try make.run()
        make.waitUntilExit()
        #expect(make.terminationStatus == 0)
        let run = try runTool("ingest", ["accidents", "--data-dir", folder.path, "--quiet", "--no-train"], environment: database.environment)
        #expect(run.status == 66)
        #expect(run.stderr.contains("cannot read table response: no such table: response"), "\(run.stderr)")
    }
}
