/// The one writer of a load's COPY rows, in text (tab-separated, a line each) or binary (a field count,
/// then each field with its length): the row's framing, each field's framing, and each value in the form
/// its column takes. The validator decides what a value is; how it goes on the wire is decided here.
///
/// A row is `beginRow`, then per column `beginField`, one value (or `nullField`), `endField`, then `endRow`.
/// Columns are numbered in the COPY's column order.
public struct CopyRowFormat: Sendable {
    /// Each column's type in binary COPY, in the COPY's column order; nil for COPY text.
    public let binaryTypes: [CopyBinary.ColumnType]?

    public static let text = CopyRowFormat(binaryTypes: nil)

    public init(binaryTypes: [CopyBinary.ColumnType]?) {
        self.binaryTypes = binaryTypes
    }

    public var isBinary: Bool { binaryTypes != nil }

    /// What the data begins and ends with.
    public var header: [UInt8] { isBinary ? CopyBinary.header : [] }
    public var trailer: [UInt8] { isBinary ? CopyBinary.trailer : [] }

    /// The options the COPY statement needs for this format.
    public var statementOptions: String { isBinary ? " (FORMAT binary)" : "" }

    /// The binary type of a column, nil in COPY text.
    @inlinable
    public func binaryType(_ column: Int) -> CopyBinary.ColumnType? {
        binaryTypes?[column]
    }

    // MARK: Rows and fields

    @inlinable
    public func beginRow(in row: inout [UInt8]) {
        if let binaryTypes { CopyBinary.appendBigEndian(Int16(binaryTypes.count), to: &row) }
    }

    @inlinable
    public func endRow(in row: inout [UInt8]) {
        if !isBinary { row.append(UInt8(ascii: "\n")) }
    }

    /// Begins a column's field; returns where it begins, for `endField` and `nullField`. From there to the
    /// row's end, once the field is ended, are the field's bytes as sent (with its length in binary), which
    /// tell two values apart as the server will.
    @inlinable
    public func beginField(_ column: Int, in row: inout [UInt8]) -> Int {
        if isBinary { return CopyBinary.beginField(in: &row) }
        if column > 0 { row.append(UInt8(ascii: "\t")) }
        return row.count
    }

    @inlinable
    public func endField(begunAt start: Int, in row: inout [UInt8]) {
        if isBinary { CopyBinary.endField(begunAt: start, in: &row) }
    }

    /// Makes the field begun at `start` NULL, dropping whatever of a value was written.
    @inlinable
    public func nullField(begunAt start: Int, in row: inout [UInt8]) {
        if isBinary {
            CopyBinary.nullField(begunAt: start, in: &row)
        } else {
            row.removeSubrange(start...)
            CopyText.appendNull(to: &row)
        }
    }

    // MARK: Values, between beginField and endField

    /// Text: escaped in COPY text, as it is in binary.
    @inlinable
    public func text<Bytes: Sequence<UInt8>>(_ bytes: Bytes, in row: inout [UInt8]) {
        if isBinary { row.append(contentsOf: bytes) } else { CopyText.appendEscaped(bytes, to: &row) }
    }

    /// Text that has nothing to escape (a checked number, date or time), the same in both formats.
    @inlinable
    public func plain(_ bytes: UnsafeBufferPointer<UInt8>, in row: inout [UInt8]) {
        row.append(contentsOf: bytes)
    }

    /// An integer: in an integer column of binary COPY its binary form, else its digits. False, and nothing
    /// written, when the column's integer type cannot hold it.
    @inlinable
    public func integer(_ value: Int, column: Int, in row: inout [UInt8]) -> Bool {
        guard let type = binaryType(column), type.integerRange != nil else {
            CopyText.appendInteger(value, to: &row)
            return true
        }
        return CopyBinary.appendInteger(value, as: type, to: &row)
    }

    /// A date: in a date column of binary COPY its days since 2000-01-01, else its ISO text.
    @inlinable
    public func date<ISO: Sequence<UInt8>>(daysSince2000 days: Int, iso: ISO, column: Int, in row: inout [UInt8]) {
        if binaryType(column) == .date { CopyBinary.appendDate(daysSince2000: days, to: &row) } else { row.append(contentsOf: iso) }
    }

    // MARK: Whole fields

    /// A whole text field, nil as NULL. `date` (days since 2000-01-01) is sent instead in a binary date column.
    public func textField(_ value: String?, date days: Int? = nil, column: Int, in row: inout [UInt8]) {
        let start = beginField(column, in: &row)
        guard let value else { return nullField(begunAt: start, in: &row) }
        if let days { date(daysSince2000: days, iso: value.utf8, column: column, in: &row) } else { text(value.utf8, in: &row) }
        endField(begunAt: start, in: &row)
    }

    /// A whole integer field, nil as NULL. A value past a binary column's type is sent as eight bytes, which
    /// the server refuses for the column, as it refuses the number in text: the load fails rather than store
    /// another value.
    @inlinable
    public func integerField(_ value: Int?, column: Int, in row: inout [UInt8]) {
        let start = beginField(column, in: &row)
        guard let value else { return nullField(begunAt: start, in: &row) }
        if !integer(value, column: column, in: &row) { CopyBinary.appendBigEndian(Int64(value), to: &row) }
        endField(begunAt: start, in: &row)
    }
}
