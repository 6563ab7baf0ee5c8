import Foundation
import Failures
import Records
import Validation
import PropertyBased
import TestSupport
import Testing

/// Reads `bytes` as a CSV file with a header; returns the header and each record's line, fields and problem.
func readCSV(_ bytes: [UInt8], chunkSize: Int = 1 << 16) throws -> (columns: [String], records: [(line: Int, fields: [[UInt8]], malformation: String?)]) {
    let folder = try TemporaryFolder()
    let source = try CSVSource(input: try FileInput(path: try folder.write("in.csv", bytes), chunkSize: chunkSize))
    var records: [(line: Int, fields: [[UInt8]], malformation: String?)] = []
    while let record = try source.next() {
        records.append((record.line, record.fields.map(Array.init), record.malformation))
    }
    return (source.columns, records)
}

func readCSV(_ text: String) throws -> (columns: [String], records: [(line: Int, fields: [String], malformation: String?)]) {
    let (columns, records) = try readCSV(Array(text.utf8))
    return (columns, records.map { ($0.line, $0.fields.map { String(decoding: $0, as: UTF8.self) }, $0.malformation) })
}

@Suite struct CSVSourceTests {
    @Test func test_quoted_fields_keep_commas_quotes_and_newlines() throws {
        let csv = try readCSV("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,,end\n")
        #expect(csv.columns == ["a", "b", "c"])
        #expect(csv.records.map(\.fields) == [["x, y", "say \"hi\"", "two\nlines"], ["plain", "", "end"]])
        #expect(csv.records.map(\.line) == [2, 4])
    }

    @Test func test_crlf_and_mixed_line_endings_count_lines() throws {
        let csv = try readCSV("a,b\r\n1,2\r\n3,4\n5,6\r7,8")
        #expect(csv.records.map(\.fields) == [["1", "2"], ["3", "4"], ["5", "6"], ["7", "8"]])
        #expect(csv.records.map(\.line) == [2, 3, 4, 5])
    }

    @Test func test_crlf_inside_quotes_is_data() throws {
        let csv = try readCSV("a\r\n\"x\r\ny\"\r\nz\r\n")
        #expect(csv.records.map(\.fields) == [["x\r\ny"], ["z"]])
        #expect(csv.records.map(\.line) == [2, 4])
    }

    @Test func test_byte_order_mark_is_skipped_once() throws {
        let csv = try readCSV([0xEF, 0xBB, 0xBF] + Array("name,x\n\u{FEFF}a,b\n".utf8))
        #expect(csv.columns == ["name", "x"])
        #expect(csv.records[0].fields == [[0xEF, 0xBB, 0xBF, UInt8(ascii: "a")], [UInt8(ascii: "b")]])
    }

    @Test func test_multibyte_text_is_kept_byte_for_byte() throws {
        let names = "Σωκράτης,ნინო,Пётр,王秀英,Zoë"
        let csv = try readCSV("a,b,c,d,e\n\(names)\n")
        #expect(csv.records[0].fields == names.split(separator: ",").map(String.init))
    }

    @Test func test_invalid_utf8_passes_the_reader_untouched() throws {
        let csv = try readCSV(Array("a,b\n".utf8) + [0xC0, 0x80, UInt8(ascii: ","), 0xFF] + Array("\n".utf8))
        #expect(csv.records[0].fields == [[0xC0, 0x80], [0xFF]])
    }

    @Test func test_empty_file_is_a_header_error() throws {
        let error = try #require(throws: HeaderError.self) { try readCSV("") }
        #expect(error.reason == "the file is empty: expected a header line")
        #expect(throws: HeaderError.self) { try readCSV([0xEF, 0xBB, 0xBF]) }
    }

    @Test func test_header_only_file_has_no_records() throws {
        let csv = try readCSV("a,b\n")
        #expect(csv.columns == ["a", "b"])
        #expect(csv.records.isEmpty)
        #expect(try readCSV("a,b").records.isEmpty)
    }

    @Test func test_blank_lines_are_not_records_but_count_as_lines() throws {
        let csv = try readCSV("a\n\nx\n\r\n\ny\n\n")
        #expect(csv.records.map(\.fields) == [["x"], ["y"]])
        #expect(csv.records.map(\.line) == [3, 6])
    }

    @Test func test_unclosed_quote_costs_its_line_and_reading_resumes_on_the_next() throws {
        let csv = try readCSV("a,b\n1,2\n\"never,closed\n3,4\n")
        #expect(csv.records.map(\.line) == [2, 3, 4])
        #expect(csv.records[1].malformation == "a quoted field opened on line 3 is never closed; the record is taken to end with line 3, and reading resumes on line 4")
        #expect(csv.records[2].fields == ["3", "4"])
        #expect(csv.records[2].malformation == nil)
    }

    @Test func test_unclosed_quote_on_the_last_line_is_malformed() throws {
        let csv = try readCSV("a,b\n1,2\n\"never,closed")
        #expect(csv.records.count == 2)
        #expect(csv.records[1].malformation == "a quoted field opened on line 3 is never closed")
    }

    @Test func test_a_quote_that_closes_lines_later_with_the_wrong_shape_costs_one_line() throws {
        let csv = try readCSV("a,b\n\"stray,1\nx,y\n\"q\",2\n")
        #expect(csv.records.map(\.line) == [2, 3, 4])
        #expect(csv.records[0].malformation?.hasPrefix("a quoted field opened on line 2 runs past its line (text after the closing quote of field 1)") == true)
        #expect(csv.records[1].fields == ["x", "y"])
        #expect(csv.records[2].fields == ["q", "2"])
    }

    @Test func test_multi_line_quoted_fields_of_the_right_shape_are_kept() throws {
        let csv = try readCSV("a,b\n\"two\nlines\",1\n3,4\n")
        #expect(csv.records.map(\.fields) == [["two\nlines", "1"], ["3", "4"]])
        #expect(csv.records.allSatisfy { $0.malformation == nil })
    }

    @Test func test_a_quoted_field_past_the_limit_is_cut_at_its_first_line_break() throws {
        let folder = try TemporaryFolder()
        let rows = String(repeating: "x,y\n", count: CSVSource.quotedLineBreakLimit / 4 + 10)
        // The closing quote comes after the limit: the field is taken for a stray quote all the same.
        let source = try CSVSource(input: try FileInput(path: try folder.write("in.csv", "a,b\n\"long,\(rows)\"\n")))
        let first = try #require(try source.next())
        #expect(first.malformation?.hasPrefix("a quoted field opened on line 2 is not closed within 1 MiB") == true)
        var count = 0
        while let record = try source.next(), record.malformation == nil { count += 1 }
        // Line 2 holds the quote and the first row; the other rows follow on lines 3...; a lone quote ends the file.
        #expect(count == CSVSource.quotedLineBreakLimit / 4 + 9)
        #expect(try source.next() == nil)
        #expect(source.lines == CSVSource.quotedLineBreakLimit / 4 + 12)
    }

    @Test func test_quote_inside_unquoted_field_is_malformed_and_reading_goes_on() throws {
        let csv = try readCSV("a,b\nab\"c,d\ne,f\n")
        #expect(csv.records[0].malformation == "a quote inside an unquoted field (field 1)")
        #expect(csv.records[1].fields == ["e", "f"])
        #expect(csv.records[1].malformation == nil)
    }

    @Test func test_text_after_closing_quote_is_malformed() throws {
        let csv = try readCSV("a,b\n\"x\"y,z\nok,ok\n")
        #expect(csv.records[0].malformation == "text after the closing quote of field 1")
        #expect(csv.records[1].fields == ["ok", "ok"])
    }

    @Test func test_raw_bytes_are_kept_for_rejects() throws {
        let folder = try TemporaryFolder()
        let source = try CSVSource(input: try FileInput(path: try folder.write("in.csv", "a,b\r\n\"x,\"\"y\",z\r\n")))
        let record = try #require(try source.next())
        #expect(String(decoding: record.raw, as: UTF8.self) == "\"x,\"\"y\",z")
    }

    @Test func test_runaway_record_on_one_line_keeps_only_the_start_of_its_raw_text() throws {
        let folder = try TemporaryFolder()
        // One line of 2 MiB: a quoted field without a line break is bounded only by the record's size limit.
        let tail = String(repeating: "x,y ", count: 1 << 19)
        let source = try CSVSource(input: try FileInput(path: try folder.write("in.csv", "a,b\n\"unclosed,\(tail)")))
        let record = try #require(try source.next())
        #expect(record.malformation == "a quoted field opened on line 2 is never closed")
        #expect(record.raw.count == SourceRecord.maximumRawKept)
        #expect(record.rawLength == 10 + tail.utf8.count)
        #expect(try source.next() == nil)
        let reject = Reject(source: "in.csv", line: 2, field: nil, reason: "r", raw: record.raw, rawLength: record.rawLength)
        #expect(reject.raw.hasSuffix("… (\(record.rawLength) bytes in all)"))
    }

    @Test func test_file_sha256_matches_sha256sum() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("in.csv", "a\n" + String(repeating: "Σωκράτης\n", count: 20_000))
        let input = try FileInput(path: path, chunkSize: 1000)
        let source = try CSVSource(input: input)
        var count = 0
        while try source.next() != nil { count += 1 }
        #expect(count == 20_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        #expect(input.sha256Hex() == String(expected))
        #expect(input.bytesRead == input.size)
    }

    @Test func test_missing_file_and_directory_are_input_errors() throws {
        #expect(throws: InputError.self) { try FileInput(path: "/no/such/file.csv") }
        let folder = try TemporaryFolder()
        let error = try #require(throws: InputError.self) { try FileInput(path: folder.path) }
        #expect(error.reason.contains("not a regular file"))
    }
}

/// RFC 4180 encoding of `rows`, quoting every field that needs it (and some that do not).
func encodeCSV(_ rows: [[String]], lineEnding: String, quoteAll: Bool) -> String {
    rows.map { row in
        row.map { field in
            // Scalars, not Characters: "\r\n" is one Character and would hide a lone "\r".
            let needs = quoteAll || field.isEmpty || field.unicodeScalars.contains { ",\"\r\n".unicodeScalars.contains($0) }
            return needs ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }.joined(separator: lineEnding) + lineEnding
}

@Suite struct CSVRoundTripProperties {
    static let alphabet: [Character] = ["a", "Z", "0", " ", ",", "\"", "\n", "\r", "é", "Σ", "ნ", "王", "😀", "\t", "\\"]
    static let field = Gen<Character?>.element(of: alphabet).array(of: 0...8).map { String($0.compactMap { $0 }) }

    @Test func test_any_encoded_table_reads_back_identically() async {
        let table = Self.field.array(of: 3).array(of: 1...6)
        await propertyCheck(count: 300, input: table, Gen.bool, Gen.bool) { rows, crlf, quoteAll in
            let text = encodeCSV([["a", "b", "c"]] + rows, lineEnding: crlf ? "\r\n" : "\n", quoteAll: quoteAll)
            let read = try readCSV(text)
            // A row of three empty unquoted fields is ",,", never blank, so every row comes back.
            #expect(read.records.map(\.fields) == rows)
            #expect(read.records.allSatisfy { $0.malformation == nil })
        }
    }

    /// Plain lines are split in one pass when the chunk in memory holds them whole, and read byte by byte
    /// otherwise (a quote, a line or a CRLF the chunk's end cuts): both ways must read the same.
    @Test func test_chunk_boundaries_do_not_change_what_is_read() async {
        let table = Self.field.array(of: 3).array(of: 1...8)
        await propertyCheck(count: 300, input: table, Gen.bool, Gen.int(in: 1...24)) { rows, crlf, chunkSize in
            let text = Array(encodeCSV([["a", "b", "c"]] + rows, lineEnding: crlf ? "\r\n" : "\n", quoteAll: false).utf8)
            // A stray quote in an unquoted field, and a short record, among the well-formed ones.
            let bytes = text + Array("x\"y,2,3\nlast,line".utf8)
            let whole = try readCSV(bytes), pieces = try readCSV(bytes, chunkSize: chunkSize)
            #expect(pieces.columns == whole.columns)
            #expect(pieces.records.map(\.line) == whole.records.map(\.line))
            #expect(pieces.records.map(\.fields) == whole.records.map(\.fields))
            #expect(pieces.records.map(\.malformation) == whole.records.map(\.malformation))
            #expect(whole.records.count == rows.count + 2)
            #expect(try rawRecords(bytes, chunkSize: chunkSize) == rawRecords(bytes, chunkSize: 1 << 16))
        }
    }

    /// Each record's raw bytes, its raw length and the file's line count, as rejects and the ledger see them.
    func rawRecords(_ bytes: [UInt8], chunkSize: Int) throws -> [[Int]] {
        let folder = try TemporaryFolder()
        let source = try CSVSource(input: try FileInput(path: try folder.write("in.csv", bytes), chunkSize: chunkSize))
        var raw: [[Int]] = []
        while let record = try source.next() { raw.append(record.raw.map(Int.init) + [-1, record.rawLength]) }
        return raw + [[source.lines ?? -1]]
    }

    @Test func test_line_numbers_count_the_newlines_before_each_record() async {
        let table = Self.field.array(of: 2).array(of: 1...6)
        await propertyCheck(count: 200, input: table) { rows in
            let text = encodeCSV([["a", "b"]] + rows, lineEnding: "\n", quoteAll: true)
            let read = try readCSV(text)
            var line = 2
            for (record, row) in zip(read.records, rows) {
                #expect(record.line == line)
                // Inside quotes the reader counts line breaks as outside: LF, CRLF once, a lone CR.
                line += 1 + row.map { field in
                    let scalars = Array(field.unicodeScalars)
                    return scalars.indices.filter { scalars[$0] == "\n" || (scalars[$0] == "\r" && ($0 + 1 == scalars.count || scalars[$0 + 1] != "\n")) }.count
                }.reduce(0, +)
            }
        }
    }
}
