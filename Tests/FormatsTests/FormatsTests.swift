import Failures
import Formats
import Foundation
import TestSupport
import Testing

@Suite struct FormatsTests {
    @Test func test_copy_text_escapes_every_special_byte() {
        var buffer: [UInt8] = []
        CopyText.appendEscaped(Array("a\\b\tc\nd\re".utf8), to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "a\\\\b\\tc\\nd\\re")
        // Escapes first, last and side by side; a slice that does not start at 0; a sequence with no
        // contiguous storage: all the same text, and read back as written.
        let raw = Array("\tx\\\\\n\r\u{e9}\t".utf8)
        func escaped<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [UInt8] {
            var out: [UInt8] = []
            CopyText.appendEscaped(bytes, to: &out)
            return out
        }
        for out in [escaped(raw), escaped(([0] + raw)[1...]), escaped(raw.lazy.map { $0 })] {
            #expect(String(decoding: out, as: UTF8.self) == "\\tx\\\\\\\\\\n\\r\u{e9}\\t")
            #expect(out.withUnsafeBytes { CopyText.decodeRow($0) } == [String(decoding: raw, as: UTF8.self)])
        }
    }

    @Test func test_integers_are_written_as_their_decimal_digits() {
        for value in [0, 7, -7, 10, 1_000_000, -1_234_567, Int.max, Int.min] {
            var buffer = Array("x".utf8)
            CopyText.appendInteger(value, to: &buffer)
            #expect(String(decoding: buffer, as: UTF8.self) == "x" + String(value))
        }
    }

    /// A whole row as a load writes it: a constant, a value, NULL and the line, in both formats. In text the
    /// fields are tab-separated and escaped; in binary each has its length, a date column gets days since
    /// 2000-01-01, and an integer past its column's type goes as eight bytes for the server to refuse.
    @Test func test_a_copy_row_is_framed_and_typed_by_its_format() {
        func row(_ format: CopyRowFormat, line: Int) -> [UInt8] {
            var row: [UInt8] = []
            format.beginRow(in: &row)
            format.textField("2000-01-03", date: 2, column: 0, in: &row)
            let start = format.beginField(1, in: &row)
            format.text("a\tb".utf8, in: &row)
            format.endField(begunAt: start, in: &row)
            let null = format.beginField(2, in: &row)
            format.text("dropped".utf8, in: &row)
            format.nullField(begunAt: null, in: &row)
            format.integerField(line, column: 3, in: &row)
            format.endRow(in: &row)
            return row
        }
        #expect(String(decoding: row(.text, line: 70_000), as: UTF8.self) == "2000-01-03\ta\\tb\t\\N\t70000\n")
        let binary = CopyRowFormat(binaryTypes: [.date, .text, .text, .int2])
        #expect(row(binary, line: 7) == [0, 4] + [0, 0, 0, 4, 0, 0, 0, 2] + [0, 0, 0, 3, 0x61, 0x09, 0x62] + [0xFF, 0xFF, 0xFF, 0xFF] + [0, 0, 0, 2, 0, 7])
        #expect(row(binary, line: 70_000).suffix(12) == [0, 0, 0, 8, 0, 0, 0, 0, 0, 1, 0x11, 0x70])
        var untouched: [UInt8] = []
        #expect(binary.integer(70_000, column: 3, in: &untouched) == false && untouched.isEmpty)
    }

    @Test func test_json_text_escapes_only_what_json_requires() {
        var buffer: [UInt8] = []
        JSONText.appendObject([("k\"", .string("Σ\n\u{1}/é")), ("n", .number("12")), ("b", .bool(true)), ("z", .null)], to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "{\"k\\\"\":\"Σ\\n\\u0001/é\",\"n\":12,\"b\":true,\"z\":null}")
    }
}

@Suite struct OutputFileTests {
    @Test func test_a_file_appears_under_its_name_only_when_committed() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/out.json"
        let file = try OutputFile(path: path)
        try file.write(Array("[1]".utf8))
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { $0.hasSuffix(".partial") })
        try file.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "[1]")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
    }

    @Test func test_a_hard_link_at_the_partial_name_is_not_written_through() throws {
        let folder = try TemporaryFolder()
        let precious = try folder.write("precious.txt", "mine")
        let path = "\(folder.path)/out.json"
        #expect(link(precious, "\(path).\(getpid()).partial") == 0)
        try OutputFile.replace(path, with: Array("[2]".utf8))
        #expect(try String(contentsOfFile: precious, encoding: .utf8) == "mine")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "[2]")
    }

    @Test func test_a_directory_at_the_final_name_is_refused_and_kept() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/report.json"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try folder.write("report.json/keep.txt", "mine")
        let error = try #require(throws: OutputError.self) { try OutputFile.replace(path, with: Array("{}".utf8)) }
        #expect(error.path == path)
        #expect(error.failure == .output)
        #expect(try String(contentsOfFile: "\(path)/keep.txt", encoding: .utf8) == "mine")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.json"])
    }
}
