/// One record as a source read it: its fields' bytes (unquoted), where it started, and its raw bytes as they
/// stand in the file, kept so that a reject can show exactly what was there.
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
    private var ends: [Int] = []
    /// Positions of fields that hold no value at all (SQL NULL in a database source); CSV has none.
    public private(set) var nullFields: [Int] = []

    public init(line: Int) {
        self.line = line
    }

    /// How much a record holds: a source's records are alike, so the next one's buffers start this size
    /// (filled from empty, the three arrays were reallocated about twenty times a census record).
    struct Size {
        var values = 0, fields = 0, raw = 0
    }

    var size: Size { Size(values: values.count, fields: ends.count, raw: raw.count) }

    /// A record with room for `size` (each buffer's room at most 64 KiB: a runaway record sizes no other).
    init(line: Int, roomFor size: Size) {
        self.line = line
        let limit = 1 << 16
        values.reserveCapacity(min(size.values, limit))
        ends.reserveCapacity(min(size.fields, limit))
        raw.reserveCapacity(min(size.raw, limit))
    }

    public var fieldCount: Int { ends.count }

    public func field(_ index: Int) -> ArraySlice<UInt8> {
        values[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    public var fields: [ArraySlice<UInt8>] { (0..<fieldCount).map(field) }

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

    mutating func endField() { ends.append(values.count) }

    /// Appends the fields of a line with no quotes: its bytes split at each `separator` (its raw bytes
    /// the whole line).
    mutating func appendFields(of line: UnsafeBufferPointer<UInt8>, separatedBy separator: UInt8) {
        appendRaw(contentsOf: line)
        var start = 0
        for index in line.indices where line[index] == separator {
            append(contentsOf: UnsafeBufferPointer(rebasing: line[start..<index]))
            endField()
            start = index + 1
        }
        append(contentsOf: UnsafeBufferPointer(rebasing: line[start...]))
        endField()
    }

    /// Keeps only the first `length` bytes of the record as its raw text (the record was cut short there).
    mutating func cutRaw(to length: Int) {
        rawLength = length
        if raw.count > length { raw.removeSubrange(length...) }
    }

    mutating func appendNullField() {
        nullFields.append(ends.count)
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
