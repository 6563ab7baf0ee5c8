/// One record as a source read it: its fields' bytes (unquoted), where it started, and its raw bytes as they
/// stand in the file, kept so that a reject can show exactly what was there.
public struct SourceRecord {
    /// 1-based line on which the record starts (a quoted field may carry it over several lines).
    public var line: Int
    /// The record's bytes as in the file, without the line ending.
    public var raw: [UInt8] = []
    /// A structural problem the reader found (an unclosed quote, a stray quote); the record is rejected.
    public var malformation: String?
    private var values: [UInt8] = []
    private var ends: [Int] = []

    public init(line: Int) {
        self.line = line
    }

    public var fieldCount: Int { ends.count }

    public func field(_ index: Int) -> ArraySlice<UInt8> {
        values[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    public var fields: [ArraySlice<UInt8>] { (0..<fieldCount).map(field) }

    mutating func append(_ byte: UInt8) { values.append(byte) }
    mutating func endField() { ends.append(values.count) }
}

/// Where records come from: a CSV file today, a SQLite table or JSON lines later. A source names its columns
/// (from a header, or from the dataset when the file has none) and yields records in file order.
public protocol RecordSource: AnyObject {
    var columns: [String] { get }
    /// The file or table the records come from, as rejects and the ledger name it.
    var sourceName: String { get }
    func next() throws -> SourceRecord?
}
