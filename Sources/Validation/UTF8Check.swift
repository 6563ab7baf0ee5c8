import Records

/// Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), plus no NUL.
enum UTF8Check {
    /// nil when `bytes` are acceptable text, else where and why not.
    static func problem(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if isPlainASCII(bytes) { return nil }
        if let nul = bytes.firstIndex(of: 0) {
            return "NUL byte at byte \(nul + 1) of the field"
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

    /// The common case, ASCII without NUL, needs no decoding: it is checked eight bytes at a time (a word has
    /// a byte of 0x80 or more when a high bit is set, and a zero byte where `Word.zeroBytes` flags one).
    @inline(__always)
    static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            if (word | Word.zeroBytes(word)) & Word.highs != 0 { return false }
            offset += 8
        }
        while offset < raw.count {
            if raw[offset] == 0 || raw[offset] >= 0x80 { return false }
            offset += 1
        }
        return true
    }
}
