/// Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), plus no NUL.
enum UTF8Check {
    /// nil when `bytes` are acceptable text, else where and why not.
    static func problem(in bytes: ArraySlice<UInt8>) -> String? {
        // The common case, plain ASCII, needs no decoding.
        if !bytes.contains(where: { $0 >= 0x80 || $0 == 0 }) { return nil }
        if let nul = bytes.firstIndex(of: 0) {
            return "NUL byte at byte \(nul - bytes.startIndex + 1) of the field"
        }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return "invalid UTF-8 at byte \(offset + 1) of the field"
            }
        }
    }
}
