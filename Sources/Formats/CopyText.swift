/// Encodes rows in COPY's text format: tab-separated, `\N` for NULL, one line per row, with backslash,
/// tab, newline and carriage return escaped so any byte sequence travels intact.
public enum CopyText {
    public static let nullMarker = Array("\\N".utf8)

    /// Appends text values as one row's fields, tab-separated, nil as NULL; the caller ends the row.
    public static func appendFields(_ values: [String?], to buffer: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            if let value { appendEscaped(value.utf8, to: &buffer) } else { appendNull(to: &buffer) }
        }
    }

    /// Appends an integer's decimal digits (a minus first when it is negative), without a `String` made for it.
    @inlinable
    public static func appendInteger(_ value: Int, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var rest = value.magnitude, length = 1
        while rest >= 10 {
            rest /= 10
            length += 1
        }
        buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: length))
        rest = value.magnitude
        var index = buffer.count
        repeat {
            index -= 1
            buffer[index] += UInt8(rest % 10)
            rest /= 10
        } while rest > 0
    }

    /// Appends `\N`, NULL (as `nullMarker`, without reading the array).
    @inlinable
    public static func appendNull(to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "N"))
    }

    /// Inlinable, so each caller gets a version specialised to its byte sequence (a generic one, called
    /// across modules, cost a witness-table call per byte). Contiguous bytes (an array, a slice, a string's
    /// UTF-8) are copied a run at a time between the bytes that need an escape.
    @inlinable
    public static func appendEscaped<Bytes: Sequence<UInt8>>(_ bytes: Bytes, to buffer: inout [UInt8]) {
        let copied: Void? = bytes.withContiguousStorageIfAvailable { bytes in
            var start = 0
            for index in bytes.indices {
                guard let escape = escape(bytes[index]) else { continue }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(escape)
                start = index + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        guard copied == nil else { return }
        for byte in bytes {
            if let escape = escape(byte) {
                buffer.append(UInt8(ascii: "\\"))
                buffer.append(escape)
            } else {
                buffer.append(byte)
            }
        }
    }

    /// The letter that follows the backslash for a byte COPY's text format escapes, nil for the others.
    @inlinable
    static func escape(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "\t"): UInt8(ascii: "t")
        case UInt8(ascii: "\n"): UInt8(ascii: "n")
        case UInt8(ascii: "\r"): UInt8(ascii: "r")
        default: nil
        }
    }
}

extension CopyText {
    /// Splits one row of `COPY ... TO STDOUT` text output (trailing newline optional) into its values,
    /// nil for `\N`, undoing the backslash escapes.
    public static func decodeRow(_ bytes: UnsafeRawBufferPointer) -> [String?] {
        var values: [String?] = []
        var field: [UInt8] = []
        var isNull = false
        var index = 0
        func finish() {
            values.append(isNull ? nil : String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            isNull = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\t"): finish()
            case UInt8(ascii: "\n"): break
            case UInt8(ascii: "\\") where index < bytes.count:
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "N"): isNull = true
                case UInt8(ascii: "t"): field.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "n"): field.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): field.append(UInt8(ascii: "\r"))
                default: field.append(escaped)
                }
            default: field.append(byte)
            }
        }
        finish()
        return values
    }
}
