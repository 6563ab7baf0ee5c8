extension String {
    /// The text safe to print as one line on a terminal: line breaks, NUL, escape and every other control
    /// character written as `\n`, `\0`, `\u{1B}` and so on (and a backslash as `\\`, so the escapes are
    /// unambiguous), so that a file's header or a path cannot break the line, hide a byte, or send live
    /// terminal codes.
    public var escapingControlCharacters: String {
        var escaped = ""
        escaped.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\0": escaped += "\\0"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
