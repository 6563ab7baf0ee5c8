/// One record as a source read it: its fields' bytes (unquoted), where it started, and its raw bytes as they
/// stand in the file, kept so that a reject can show exactly what was there.
///
/// The fields are ranges of one buffer: a line without quotes is that buffer as it is (its raw bytes too,
/// shared, and its fields the runs between its separators), so the usual record costs one copy of its line.
///
/// Memory per record is bounded, so a runaway record (an unclosed quote early in a large file, a binary file
/// without line breaks) cannot hold the file in memory: past `maximumSize` bytes of values the record stops
/// storing and is malformed, and at most `maximumRawKept` raw bytes are kept for the reject.
public struct SourceRecord {
    public static let maximumSize = 64 << 20
    public static let maximumRawKept = 64 << 10

    /// 1-based line on which the record starts (a quoted field may carry it over several lines).
    public var line: Int
    /// 0-based index of the record in the array it comes from (a JSON source); nil for a source of lines.
    public var position: Int?
    /// The record's first bytes as in the file, without the line ending (see `rawLength`).
    public private(set) var raw: [UInt8] = []
    /// The length of the whole record in the file; more than `raw.count` when raw was cut short.
    public private(set) var rawLength = 0
    /// A structural problem the reader found (an unclosed quote, a stray quote); the record is rejected.
    public var malformation: String?
    private var values: [UInt8] = []
    /// Where each field's bytes are in `values`.
    private var bounds: [Range<Int>] = []
    /// Where the field being read began in `values`.
    private var fieldStart = 0
    /// Positions of fields that hold no value at all (SQL NULL in a database source); CSV has none.
    public private(set) var nullFields: [Int] = []

    public init(line: Int) {
        self.line = line
    }

    /// How much a record holds: a source's records are alike, so the next one's buffers start this size
    /// (filled from empty, the arrays were reallocated about twenty times a census record).
    struct Size {
        var values = 0, fields = 0, raw = 0
    }

    var size: Size { Size(values: values.count, fields: bounds.count, raw: raw.count) }

    /// A record with room for `size` (each buffer's room at most 64 KiB: a runaway record sizes no other).
    init(line: Int, roomFor size: Size) {
        self.line = line
        let limit = 1 << 16
        values.reserveCapacity(min(size.values, limit))
        bounds.reserveCapacity(min(size.fields, limit))
        raw.reserveCapacity(min(size.raw, limit))
    }

    public var fieldCount: Int { bounds.count }

    public func field(_ index: Int) -> ArraySlice<UInt8> {
        values[bounds[index]]
    }

    public var fields: [ArraySlice<UInt8>] { (0..<fieldCount).map(field) }

    /// The fields as views of the record's buffer, valid only inside `body`: a validator reads each field in
    /// place, without a slice (and its retain and release) per field.
    public func withFields<Result>(_ body: (Fields) throws -> Result) rethrows -> Result {
        try values.withUnsafeBufferPointer { values in
            try bounds.withUnsafeBufferPointer { bounds in try body(Fields(values: values, bounds: bounds)) }
        }
    }

    /// A record's fields, each the bytes of one.
    public struct Fields {
        let values: UnsafeBufferPointer<UInt8>
        let bounds: UnsafeBufferPointer<Range<Int>>

        public var count: Int { bounds.count }

        @inline(__always)
        public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
            let range = bounds[index]
            return UnsafeBufferPointer(start: values.baseAddress.map { $0 + range.lowerBound }, count: range.count)
        }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        guard values.count < Self.maximumSize else {
            malformation = malformation ?? "record is longer than \(Self.maximumSize >> 20) MiB"
            return
        }
        values.append(byte)
    }

    mutating func append<Bytes: Collection<UInt8>>(contentsOf bytes: Bytes) {
        guard values.count + bytes.count <= Self.maximumSize else {
            malformation = malformation ?? "record is longer than \(Self.maximumSize >> 20) MiB"
            return
        }
        values.append(contentsOf: bytes)
    }

    mutating func appendRaw(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        rawLength += bytes.count
        let room = Self.maximumRawKept - raw.count
        if room > 0 { raw.append(contentsOf: bytes.prefix(room)) }
    }

    @inline(__always)
    mutating func appendRaw(_ byte: UInt8) {
        rawLength += 1
        if raw.count < Self.maximumRawKept { raw.append(byte) }
    }

    mutating func endField() {
        bounds.append(fieldStart..<values.count)
        fieldStart = values.count
    }

    /// Takes the line at the start of `bytes` as this (empty) record when the line has no `special` byte (the
    /// dialect's quote or escape; a line break when it has none) and ends within `bytes`: its fields are the
    /// runs between `separator`s (a line break when the file has no delimiter), found in the same pass that finds the
    /// line's end. Returns the index of the line's end (its CR or LF), or nil when the line is not such a
    /// line, or longer than the raw bytes a record keeps (the record is then to be dropped).
    ///
    /// The bytes are read a word at a time: the separators, line breaks and quotes in a word are flagged
    /// together (`Word.marks`), and only those bytes are looked at one by one.
    mutating func takePlainLine(from bytes: UnsafeBufferPointer<UInt8>, separatedBy separator: UInt8, special: UInt8) -> Int? {
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var start = 0
        // What the byte at `index` does: nil when it separates (or is an ordinary byte), else whether the line
        // ends there (true) or holds the special byte, a quote or escape (false).
        func look(at index: Int) -> Bool? {
            let byte = bytes[index]
            if byte == lf || byte == cr { return true }
            if byte == separator {
                bounds.append(start..<index)
                start = index + 1
                return nil
            }
            return byte == special ? false : nil
        }
        func end(at index: Int) -> Int? {
            guard index <= Self.maximumRawKept else { return nil }
            bounds.append(start..<index)
            values.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<index]))
            raw = values
            rawLength = index
            return index
        }
        let words = UnsafeRawBufferPointer(bytes)
        let marks = Word.Marks(separator, lf, cr, special)
        var offset = 0
        while offset + 8 <= words.count {
            var flags = marks.flags(in: UInt64(littleEndian: words.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            while flags != 0 {
                let index = offset + flags.trailingZeroBitCount >> 3
                flags &= flags &- 1
                if let ended = look(at: index) { return ended ? end(at: index) : nil }
            }
            offset += 8
        }
        for index in offset..<bytes.count {
            if let ended = look(at: index) { return ended ? end(at: index) : nil }
        }
        return nil
    }

    /// Keeps only the first `length` bytes of the record as its raw text (the record was cut short there).
    mutating func cutRaw(to length: Int) {
        rawLength = length
        if raw.count > length { raw.removeSubrange(length...) }
    }

    /// Drops the last field (an empty one after a trailing delimiter).
    mutating func dropLastField() {
        guard let last = bounds.popLast() else { return }
        fieldStart = last.lowerBound
    }

    mutating func appendNullField() {
        nullFields.append(bounds.count)
        endField()
    }

    public func isNull(_ index: Int) -> Bool { !nullFields.isEmpty && nullFields.contains(index) }
}

/// Where records come from: a CSV file or a SQLite table. A source names its columns
/// (from a header, or from the dataset when the file has none) and yields records in file order.
public protocol RecordSource: AnyObject {
    var columns: [String] { get }
    /// The file or table the records come from, as rejects and the ledger name it.
    var sourceName: String { get }
    /// Physical lines read (a text file's, header included); nil for a source without lines (a database table).
    var lines: Int? { get }
    func next() throws -> SourceRecord?
}

/// Bytes found eight at a time in a 64-bit word (little-endian: byte `n` of the word is bits `8n..<8n+8`).
public enum Word {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    /// The high bit of every byte.
    public static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` that is zero, and no other bit (unlike the shorter test that
    /// flags a byte after a zero byte too).
    @inlinable @inline(__always)
    public static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & lows) &+ lows) | word | lows)
    }

    /// Four byte values looked for at once.
    struct Marks {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64

        init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
            (self.a, self.b, self.c, self.d) = (UInt64(a) &* ones, UInt64(b) &* ones, UInt64(c) &* ones, UInt64(d) &* ones)
        }

        /// The high bit of each byte of `word` that is one of the four.
        @inline(__always)
        func flags(in word: UInt64) -> UInt64 {
            zeroBytes(word ^ a) | zeroBytes(word ^ b) | zeroBytes(word ^ c) | zeroBytes(word ^ d)
        }
    }
}
