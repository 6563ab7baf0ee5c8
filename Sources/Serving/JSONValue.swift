import Formats
import Foundation

/// A JSON document as decoded, keeping what a request said apart: true is not 1, null is not absent.
public enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// What a body looks like, read in one byte scan without decoding (strings skipped), so that a body over a
    /// limit is refused before it costs a parse: the number of elements of a top-level array (commas at depth
    /// 1; nil when the body is not an array), and how deep arrays and objects nest.
    public static func shape(_ bytes: [UInt8]) -> (records: Int?, depth: Int) {
        var depth = 0, deepest = 0, commas = 0, inString = false, escaped = false, sawValue = false
        var isArray: Bool?
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { commas += 1 }
            default: break
            }
            if isArray == nil { isArray = byte == UInt8(ascii: "[") }
            if depth >= 1, byte != UInt8(ascii: ","), !(depth == 1 && byte == UInt8(ascii: "[")) { sawValue = true }
        }
        return (isArray == true ? (sawValue ? commas + 1 : 0) : nil, deepest)
    }

    /// Parses a request body; nil when it is not JSON.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// The value as JSON text (whole numbers without a fraction).
    public var jsonText: JSONText.Value {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number): number.rounded() == number && abs(number) < 1e15 ? .number(String(Int(number))) : .double(number)
        case .string(let text): .string(text)
        case .array(let values): .array(values.map(\.jsonText))
        case .object(let members): .object(members.keys.sorted().map { ($0, members[$0]!.jsonText) })
        }
    }

    /// What kind of value this is, for error messages ("a string", "an array").
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
