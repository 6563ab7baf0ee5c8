import Foundation
import Failures
import Records
import TestSupport
import Testing

/// Reads `bytes` in `dialect` (a small chunk size, so records and characters straddle chunks); returns the
/// columns and each record's line, fields (as text, "∅" for a null) and problem.
private func read(_ bytes: [UInt8], _ dialect: CSVDialect, header: [String]? = nil, chunkSize: Int = 7) throws -> (columns: [String], records: [(line: Int, fields: [String], malformation: String?)], source: CSVSource) {
    let folder = try TemporaryFolder()
    let source = try CSVSource(input: try FileInput(path: try folder.write("in.csv", bytes), chunkSize: chunkSize), dialect: dialect, header: header)
    var records: [(line: Int, fields: [String], malformation: String?)] = []
    while let record = try source.next() {
        let fields = (0..<record.fieldCount).map { record.isNull($0) ? "∅" : String(decoding: record.field($0), as: UTF8.self) }
        records.append((record.line, fields, record.malformation))
    }
    return (source.columns, records, source)
}

private func dialect(_ change: (inout CSVDialect) -> Void) -> CSVDialect {
    var dialect = CSVDialect()
    change(&dialect)
    return dialect
}

private func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let folder = try TemporaryFolder()
    let path = try folder.write("x", bytes)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", path]
    try process.run()
    process.waitUntilExit()
    return Array(try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
}

@Suite struct CSVDialectTests {
    @Test(arguments: [";", "\t", "|", " "])
    func test_any_delimiter_splits_fields(_ delimiter: String) throws {
        let text = ["a", "b", "c"].joined(separator: delimiter) + "\n1\(delimiter)\"x\(delimiter)y\"\(delimiter)3\n"
        let csv = try read(Array(text.utf8), dialect { $0.delimiter = UInt8(ascii: Unicode.Scalar(delimiter)!) })
        #expect(csv.columns == ["a", "b", "c"])
        #expect(csv.records.map(\.fields) == [["1", "x\(delimiter)y", "3"]])
    }

    @Test func test_apostrophe_quotes_and_no_quotes() throws {
        let quoted = try read(Array("a,b\n'x, y',2\n".utf8), dialect { $0.quote = UInt8(ascii: "'") })
        #expect(quoted.records.map(\.fields) == [["x, y", "2"]])
        let none = try read(Array("a,b\n5\" pipe,\"2\"\n".utf8), dialect { $0.quote = nil })
        #expect(none.records.map(\.fields) == [["5\" pipe", "\"2\""]])
        #expect(none.records[0].malformation == nil)
    }

    @Test func test_backslash_escapes_inside_quotes_and_out() throws {
        let csv = try read(Array("a,b\n\"say \\\"hi\\\"\",x\\,y\n".utf8), dialect { $0.escape = UInt8(ascii: "\\") })
        #expect(csv.records.map(\.fields) == [["say \"hi\"", "x,y"]])
    }

    @Test func test_one_column_file_without_delimiter() throws {
        let csv = try read(Array("name\na,b\nc\n".utf8), dialect { $0.delimiter = nil })
        #expect(csv.columns == ["name"])
        #expect(csv.records.map(\.fields) == [["a,b"], ["c"]])
    }

    @Test func test_preamble_lines_and_joined_header_rows() throws {
        let text = "Title, with a comma \"and a quote\n,,,\nSun,,Moon,\nX,Y,X,Y\n1,2,3,4\r\n5,6,7,8\n"
        let csv = try read(Array(text.utf8), dialect { $0.preambleRows = 2; $0.headerRows = 2 })
        #expect(csv.columns == ["Sun X", "Sun Y", "Moon X", "Moon Y"])
        #expect(csv.records.map(\.line) == [5, 6])
        #expect(csv.source.nonDataLines == 4)
    }

    @Test func test_a_title_row_spans_no_columns() {
        #expect(CSVDialect.joinHeader([["Staff", "", ""], ["", "2014", "2013"], ["Segment", "Total ", "Total"]])
            == ["Staff Segment", "2014 Total", "2013 Total"])
    }

    @Test func test_footer_rows_are_not_data() throws {
        let csv = try read(Array("a,b\n1,2\n3,4\nTotal,6\nSource: us\n".utf8), dialect { $0.footerRows = 2 })
        #expect(csv.records.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(csv.source.nonDataLines == 3)
    }

    @Test func test_a_repeated_header_and_a_byte_order_mark_cost_their_rows() throws {
        let text: [UInt8] = Array("a,b\n1,2\na,b\n3,4\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("a,b\n5,6\n".utf8)
        let csv = try read(text, CSVDialect())
        #expect(csv.records.map(\.fields).count == 5)
        #expect(csv.records[1].malformation?.contains("repeats the header") == true)
        #expect(csv.records[3].malformation?.contains("byte-order mark") == true)
        #expect(csv.records.filter { $0.malformation == nil }.map(\.fields) == [["1", "2"], ["3", "4"], ["5", "6"]])
    }

    @Test func test_rows_of_delimiters_only_are_skipped_and_counted() throws {
        let csv = try read(Array("a,b,c\n1,2,3\n,,\n4,5,6\n".utf8), CSVDialect())
        #expect(csv.records.map(\.fields) == [["1", "2", "3"], ["4", "5", "6"]])
        #expect(csv.source.emptyRows == 1)
    }

    @Test func test_short_rows_padded_when_asked() throws {
        let strict = try read(Array("a,b,c\n1,2\n".utf8), CSVDialect())
        #expect(strict.records[0].fields == ["1", "2"])
        let padded = try read(Array("a,b,c\n1,2\n".utf8), dialect { $0.padShortRows = true })
        #expect(padded.records[0].fields == ["1", "2", "∅"])
        #expect(padded.source.padded == 1)
    }

    @Test func test_windows_1252_and_latin_1_become_utf8() throws {
        let bytes: [UInt8] = Array("name\n".utf8) + [0x43, 0x61, 0x66, 0xE9, 0x20, 0x96, 0x20, 0x80, 0x0A]
        let cp1252 = try read(bytes, dialect { $0.encoding = .windows1252 })
        #expect(cp1252.records[0].fields == ["Café – €"])
        let latin1 = try read(bytes, dialect { $0.encoding = .latin1 })
        #expect(latin1.records[0].fields[0].unicodeScalars.map(\.value) == [0x43, 0x61, 0x66, 0xE9, 0x20, 0x96, 0x20, 0x80])
    }

    @Test func test_an_unmappable_byte_becomes_invalid_utf8() throws {
        let csv = try read(Array("name\n".utf8) + [0x61, 0x81, 0x0A, 0x62, 0x0A], dialect { $0.encoding = .windows1252 })
        #expect(csv.records.count == 2)
        #expect(csv.records[1].fields == ["b"])
        #expect(csv.records[0].fields[0] == "a\u{FFFD}")  // 0xFF, which the validator rejects as not UTF-8
    }

    @Test func test_utf16_with_and_without_byte_order_mark() throws {
        let text = "a;b\r\nÄ;\"x\ny\"\r\n"
        let little: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for bytes in [little, big] {
            let csv = try read(bytes, dialect { $0.delimiter = UInt8(ascii: ";"); $0.encoding = .utf16 })
            #expect(csv.columns == ["a", "b"])
            #expect(csv.records.map(\.fields) == [["Ä", "x\ny"]])
        }
        // Without a byte-order mark: refused when read as UTF-8, read when its order is given.
        let bare = Array(little.dropFirst(2))
        #expect(throws: DataError.self) { try read(bare, dialect { $0.delimiter = UInt8(ascii: ";") }, chunkSize: 1 << 16) }
        let given = try read(bare, dialect { $0.delimiter = UInt8(ascii: ";"); $0.encoding = .utf16LE })
        #expect(given.records.map(\.fields) == [["Ä", "x\ny"]])
        // A UTF-16 byte-order mark on a file to be read as UTF-8 is a one-line error naming the fix.
        do {
            _ = try read(little, CSVDialect())
            Issue.record("read UTF-16 as UTF-8")
        } catch let error as DataError {
            #expect(error.reason.contains("set the dialect's encoding to utf-16le"))
        }
    }

    @Test func test_iconv_encodings() throws {
        // "가" in CP949 is B0 A1.
        let csv = try read(Array("k\n".utf8) + [0xB0, 0xA1, 0x0A], dialect { $0.encoding = TextEncoding(name: "cp949")! })
        #expect(csv.records[0].fields == ["가"])
        #expect(TextEncoding(name: "no-such-encoding") == nil)
    }

    @Test func test_gzip_is_read_as_it_streams_and_hashed_as_stored() throws {
        var text = "id,name\n"
        for index in 0..<5000 { text += "\(index),name \(index)\n" }
        let compressed = try gzip(Array(text.utf8))
        let twice = compressed + compressed  // two members, as `cat a.gz b.gz` makes
        let csv = try read(compressed, CSVDialect(), chunkSize: 1 << 12)
        #expect(csv.records.count == 5000)
        #expect(csv.records.last?.fields == ["4999", "name 4999"])
        let both = try read(twice, CSVDialect(), chunkSize: 1 << 12)
        #expect(both.records.count == 10001)  // the second member's header is a repeated header: rejected
        #expect(both.records.filter { $0.malformation != nil }.count == 1)
        #expect(throws: DataError.self) { try read(Array(compressed.dropLast(20)), CSVDialect(), chunkSize: 1 << 12) }
        // A chunk that inflates to far more than one buffer of output (a thousandfold ratio).
        let repetitive = try gzip(Array(("x,y\n" + String(repeating: "same,line\n", count: 300_000)).utf8))
        #expect(try read(repetitive, CSVDialect(), chunkSize: 1 << 12).records.count == 300_000)
    }

    @Test func test_zip_and_html_are_refused_in_one_line() throws {
        for (bytes, words) in [([0x50, 0x4B, 0x03, 0x04, 0, 0] as [UInt8], "zip archive"), (Array("  <!DOCTYPE html><html>".utf8), "HTML page")] {
            do {
                _ = try read(bytes, CSVDialect(), chunkSize: 1 << 16)
                Issue.record("read \(words)")
            } catch let error as DataError {
                #expect(error.reason.contains(words))
            }
        }
    }
}
