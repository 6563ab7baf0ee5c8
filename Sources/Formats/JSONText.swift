/// Compact JSON written byte by byte: no whitespace, keys in the order given, text kept as UTF-8 (only the
/// characters JSON requires are escaped), numbers as the digits given.
public enum JSONText {
    public enum Value {
        case string(String)
        /// A number already in JSON's syntax (as Postgres prints integers and numerics).
        case number(String)
        case bool(Bool)
        /// A JSON document, embedded as is (a json or jsonb column).
        case raw(String)
        case array([Value])
        /// Members in the order given.
        case object([(String, Value)])
        case null

        /// A finite number in the shortest form that reads back as the same Double (JSON has no NaN or
        /// infinity: those are null).
        public static func double(_ value: Double) -> Value {
            value.isFinite ? .number("\(value)") : .null
        }
    }

    public static func appendObject(_ members: [(String, Value)], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            appendString(key, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            append(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// `value` as JSON text (for a jsonb parameter, say).
    public static func text(_ value: Value) -> String {
        var buffer: [UInt8] = []
        append(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public static func append(_ value: Value, to buffer: inout [UInt8]) {
        switch value {
        case .string(let text): appendString(text, to: &buffer)
        case .number(let digits), .raw(let digits): buffer.append(contentsOf: digits.utf8)
        case .bool(let flag): buffer.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: buffer.append(contentsOf: "null".utf8)
        case .array(let values):
            buffer.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                append(value, to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            appendObject(members, to: &buffer)
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    public static func appendString(_ text: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            let escape: UInt8
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): escape = byte
            case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
            case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
            case 0..<0x20:
                buffer.append(contentsOf: "\\u00".utf8)
                buffer.append(hexDigits[Int(byte >> 4)])
                buffer.append(hexDigits[Int(byte & 0xF)])
                continue
            default:
                buffer.append(byte)
                continue
            }
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(escape)
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
