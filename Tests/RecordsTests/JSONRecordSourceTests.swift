import Failures
import Foundation
import Records
import TestSupport
import Testing

/// What the JSON source gave for one record.
struct JSONRead: Equatable {
    var line: Int
    var position: Int?
    var fields: [String?]
    var malformation: String?
}

/// Reads `bytes` as a document whose records are at `path`, with keys `a` (a string) and `n` (a number).
func readJSON(_ bytes: [UInt8], path: [String] = ["result", "records"], columns: [String] = ["a", "n"]) throws -> (records: [JSONRead], lines: Int?) {
    let folder = try TemporaryFolder()
    let source = try JSONRecordSource(input: try FileInput(path: try folder.write("in.json", bytes)), path: path, columns: columns, numbers: ["n"])
    var records: [JSONRead] = []
    while let record = try source.next() {
        let fields = record.malformation != nil ? [] : (0..<record.fieldCount).map {
            record.isNull($0) ? nil : String(decoding: record.field($0), as: UTF8.self)
        }
        records.append(JSONRead(line: record.line, position: record.position, fields: fields, malformation: record.malformation))
    }
    return (records, source.lines)
}

func readJSON(_ text: String, path: [String] = ["result", "records"]) throws -> [JSONRead] {
    try readJSON(Array(text.utf8), path: path).records
}

/// The one-line error reading `text` stops with.
func jsonError(_ text: String) -> String? {
    do {
        _ = try readJSON(text)
        return nil
    } catch let error as DataError {
        #expect(error.failure == .data)
        return error.reason
    } catch {
        return "unexpected \(error)"
    }
}

@Suite struct JSONRecordSourceTests {
    @Test func test_records_come_out_in_the_declared_key_order_with_their_lines_and_positions() throws {
        let text = """
            {"help": "x", "result": {"fields": [{"id": "a"}, {"id": "n", "nested": [1, {"b": []}]}],
              "records": [
                {"n": 12, "a": "one"},
                {"a": "two", "n": -0.5e3}
              ], "sql": "SELECT 1"}, "success": true}

            """
        let read = try readJSON(Array(text.utf8))
        #expect(read.records == [
            JSONRead(line: 3, position: 0, fields: ["one", "12"]),
            JSONRead(line: 4, position: 1, fields: ["two", "-0.5e3"]),
        ])
        #expect(read.lines == nil)
    }

    @Test func test_strings_are_unescaped_to_utf8_and_null_is_a_null_field() throws {
        let records = try readJSON(#"{"result": {"records": [{"a": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00 Σ", "n": null}]}}"#)
        #expect(records.map(\.fields) == [["q\"\\/\u{8}\u{C}\n\r\té😀 Σ", nil]])
    }

    @Test func test_the_raw_text_is_the_object_as_written() throws {
        let folder = try TemporaryFolder()
        let text = "{\"result\": {\"records\": [ {\"a\": \"x\",\n \"n\": 1} ]}}"
        let source = try JSONRecordSource(input: try FileInput(path: try folder.write("in.json", Array(text.utf8))), path: ["result", "records"], columns: ["a", "n"], numbers: ["n"])
        let record = try #require(try source.next())
        #expect(String(decoding: record.raw, as: UTF8.self) == "{\"a\": \"x\",\n \"n\": 1}")
        #expect(try source.next() == nil)
    }

    @Test func test_a_top_level_array_and_an_empty_array() throws {
        #expect(try readJSON(#"[{"a": "x", "n": 1}]"#, path: []).map(\.fields) == [["x", "1"]])
        #expect(try readJSON(#"{"result": {"records": []}}"#).isEmpty)
    }

    @Test func test_a_record_that_is_wrong_is_rejected_alone() throws {
        let records = try readJSON("""
            {"result": {"records": [
            {"a": "missing n"},
            {"a": "x", "n": 1, "extra": "y"},
            {"a": 7, "n": 1},
            {"a": "x", "n": "7"},
            {"a": "x", "a": "again", "n": 1},
            {"a": {"nested": true}, "n": 1},
            {"a": "\\ud800 lone", "n": 1},
            {"a": true, "n": 1},
            {"a": "fine", "n": 2}
            ]}}
            """)
        #expect(records.map(\.malformation) == [
            "key \"n\" is missing",
            "unknown key \"extra\" (expected a, n)",
            "key \"a\" holds a number where a string is expected",
            "key \"n\" holds a string where a number is expected",
            "key \"a\" appears twice",
            "key \"a\" holds an object where a string is expected",
            "key \"a\" holds a string with a lone surrogate escape",
            "key \"a\" holds true where a string is expected",
            nil,
        ])
        #expect(records.map(\.line) == Array(2...10))
        #expect(records.map(\.position) == Array(0...8))
        #expect(records.last?.fields == ["fine", "2"])
    }

    @Test func test_invalid_utf8_passes_the_reader_untouched() throws {
        let bytes = Array(#"{"result": {"records": [{"a": ""#.utf8) + [0xC0, 0x80] + Array(#"", "n": 1}]}}"#.utf8)
        let records = try readJSON(bytes).records
        #expect(records.count == 1 && records[0].malformation == nil)
        let folder = try TemporaryFolder()
        let source = try JSONRecordSource(input: try FileInput(path: try folder.write("in.json", bytes)), path: ["result", "records"], columns: ["a", "n"], numbers: ["n"])
        #expect(try Array(try #require(try source.next()).field(0)) == [0xC0, 0x80])
    }

    @Test func test_a_document_cut_short_stops_the_load_naming_the_line() {
        let whole = "{\"result\": {\"records\": [\n{\"a\": \"x\", \"n\": 1},\n{\"a\": \"y\", \"n\": 2}\n]}}"
        // Every cut of the document is refused, none read as a shorter delivery.
        for length in 0..<whole.utf8.count {
            let cut = String(decoding: Array(whole.utf8)[..<length], as: UTF8.self)
            #expect(jsonError(cut) != nil, "cut at \(length): \(cut)")
        }
        #expect(jsonError("{\"result\": {\"records\": [\n{\"a\": \"x\", \"n\": 1},\n{\"a\": \"y\"") == "line 3: the file ends in record 1 (line 3); it is cut short")
    }

    @Test func test_the_wrong_shape_is_one_clear_error() {
        #expect(jsonError("") == "line 1: the file ends; expected the document to be an object; it is empty or cut short")
        #expect(jsonError(#"{"result": {"records": [], "records": [{"a": "x", "n": 1}]}}"#) == "line 1: result has the key \"records\" twice; which holds the records is not clear")
        #expect(jsonError(#"{"result": {"records": []}, "result": {}}"#) == "line 1: the document has the key \"result\" twice; which holds the records is not clear")
        #expect(jsonError("[]") == "line 1: found '[', wanted '{': expected the document to be an object; not the JSON expected")
        #expect(jsonError(#"{"result": {"rows": []}}"#) == "line 1: result has no key \"records\"; expected the records at result.records")
        #expect(jsonError(#"{"result": {"records": {"a": "x"}}}"#) == "line 1: found '{', wanted '[': expected result.records to be an array; not the JSON expected")
        #expect(jsonError(#"{"result": {"records": ["x"]}}"#) == "line 1: found '\"', wanted an object for record 0 of result.records; not the JSON expected")
        #expect(jsonError(#"{"result": {"records": []}} trailing"#) == "line 1: found 't', wanted the end of the file after the document; not the JSON expected")
        #expect(jsonError(#"{"result": {"records": [{"a": "x", "n": 01}]}}"#) == "line 1: a malformed number \"01\"; not the JSON expected")
        #expect(jsonError(#"{"result": {"records": [{"a": "x" "n": 1}]}}"#) == "line 1: found '\"', wanted ',' or '}' in record 0 (line 1); not the JSON expected")
        #expect(jsonError(#"{"result": {"records": [{"a": "\x", "n": 1}]}}"#) == "line 1: found 'x', wanted an escape character after '\\'; not the JSON expected")
        #expect(jsonError(#"{"result": {"records": [{"a": "x", "n": nul}]}}"#) == "line 1: found '}', wanted null; not the JSON expected")
    }

    @Test func test_records_on_one_line_share_it_and_keep_their_positions() throws {
        let records = try readJSON(#"{"result":{"records":[{"a":"x","n":1},{"a":"y","n":2}]}}"#)
        #expect(records.map(\.line) == [1, 1])
        #expect(records.map(\.position) == [0, 1])
    }

    @Test func test_lines_end_in_lf_crlf_or_a_lone_cr() throws {
        let records = try readJSON("{\"result\":\r\n{\"records\": [\r{\"a\": \"x\", \"n\": 1},\n\r\n  {\"a\": \"y\", \"n\": 2}]}}")
        #expect(records.map(\.line) == [3, 5])
    }

    @Test func test_a_runaway_string_is_kept_to_its_limit_and_rejects_its_record() throws {
        let long = String(repeating: "x", count: SourceRecord.maximumSize + 10)
        let records = try readJSON("{\"result\": {\"records\": [{\"a\": \"\(long)\", \"n\": 1}, {\"a\": \"ok\", \"n\": 2}]}}")
        #expect(records.map(\.malformation) == ["key \"a\" holds a string longer than 64 MiB", nil])
    }

    @Test func test_deep_nesting_outside_the_records_costs_no_stack() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(try readJSON("{\"skip\": \(deep), \"result\": {\"records\": [{\"a\": \"x\", \"n\": 1}]}}").count == 1)
    }
}
