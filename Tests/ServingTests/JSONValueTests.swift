import Foundation
import Serving
import Testing

@Suite struct JSONValueTests {
    func parse(_ text: String) -> JSONValue? { JSONValue.parse(Array(text.utf8)) }

    @Test func test_documents_parse_as_written() {
        #expect(parse(#" {"age": 38, "sex": "Female", "x": null, "ok": true, "no": false, "list": [1, -2.5e3, 0.125]} "#) == .object([
            "age": .number(38), "sex": .string("Female"), "x": .null, "ok": .bool(true), "no": .bool(false),
            "list": .array([.number(1), .number(-2500), .number(0.125)]),
        ]))
        #expect(parse(#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\té😀"))
        #expect(parse("\"caf\u{e9} \u{1F600}\"") == .string("café 😀"), "raw UTF-8")
        #expect(parse("[]") == .array([]) && parse("{}") == .object([:]))
        #expect(parse(#"{"a": 1, "a": 2}"#) == .object(["a": .number(2)]), "the last of a repeated name")
        #expect(parse("1e400") == .number(.infinity), "out of range is infinity, for the caller to refuse")
        #expect(parse("-0") == .number(-0.0))
        // Numbers are read correctly rounded, as Double(String) does.
        #expect(parse("0.1") == .number(0.1) && parse("2.2250738585072014e-308") == .number(2.2250738585072014e-308))
    }

    @Test func test_what_is_not_json_is_refused() {
        let refused = [
            "", " ", "{", "[1,]", "[,1]", "{\"a\" 1}", "{\"a\":}", "{a: 1}", "{'a': 1}", "[1 2]", "01", "1.", ".5", "-", "+1",
            "1e", "0x10", "NaN", "Infinity", "tru", "nul", "[1]]", "{} {}", "\"abc", "\"a\tb\"", "\"\\x\"", "\"\\u12\"",
            "\"\\ud800\"", "\"\\ud800\\u0041\"", "\"\\udc00\"", "[1]x", "\u{FEFF}1",
        ]
        for text in refused { #expect(parse(text) == nil, "\(text.debugDescription)") }
        #expect(JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) == nil, "invalid UTF-8")
        #expect(JSONValue.parse(Array(String(repeating: "[", count: 65).utf8) + Array(String(repeating: "]", count: 65).utf8)) == nil, "too deep")
        #expect(JSONValue.parse(Array(String(repeating: "[", count: 64).utf8) + Array(String(repeating: "]", count: 64).utf8)) != nil)
    }

    /// Random documents written by Foundation's JSONSerialization parse back to the values they came from.
    @Test func test_random_documents_written_by_foundation_parse_back() throws {
        var generator = SystemRandomNumberGenerator()
        func random(_ depth: Int) -> (Any, JSONValue) {
            switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &generator) {
            case 0: return (NSNull(), .null)
            case 1: let flag = Bool.random(); return (flag, .bool(flag))
            case 2:
                let number = Double(Int.random(in: -1_000_000...1_000_000)) / Double([1, 8, 1024][Int.random(in: 0..<3)])
                return (number, .number(number))
            case 3:
                let scalars = (0..<Int.random(in: 0..<12)).map { _ in
                    Unicode.Scalar([0x22, 0x5C, 0x0A, 0x41, 0xE9, 0x1F600, 0x7F, 0x01, 0x2028][Int.random(in: 0..<9)])!
                }
                let text = String(String.UnicodeScalarView(scalars))
                return (text, .string(text))
            case 4:
                let elements = (0..<Int.random(in: 0..<4)).map { _ in random(depth + 1) }
                return (elements.map(\.0), .array(elements.map(\.1)))
            default:
                var object: [String: Any] = [:], value: [String: JSONValue] = [:]
                for index in 0..<Int.random(in: 0..<4) {
                    let (any, json) = random(depth + 1)
                    object["k\(index)\u{e9}"] = any
                    value["k\(index)\u{e9}"] = json
                }
                return (object, .object(value))
            }
        }
        for _ in 0..<500 {
            let (object, expected) = random(0)
            let data = try JSONSerialization.data(withJSONObject: [object], options: [.fragmentsAllowed])
            #expect(JSONValue.parse(Array(data)) == .array([expected]), "\(String(decoding: data, as: UTF8.self))")
        }
    }
}
