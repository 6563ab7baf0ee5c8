/// PostgreSQL's binary COPY format: a signature and a header, then each row as a 16-bit count of its fields
/// and each field as a 32-bit length (-1 for NULL) followed by the value in its type's binary form, all
/// big-endian; a count of -1 ends the data. The server reads a date or an integer in this form without
/// parsing text (a `date` from text goes through the date parser for every row).
public enum CopyBinary {
    /// The signature, no flags, no header extension.
    public static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    public static let trailer: [UInt8] = [0xFF, 0xFF]

    /// The column types written in binary: their binary forms are fixed here, and any other column keeps
    /// its COPY in text.
    public enum ColumnType: Sendable, Equatable {
        case text, date, int2, int4, int8

        /// The type as `format_type` names it, nil for one without a binary writer here.
        public init?(formatType name: String) {
            switch name {
            case "text", "character varying": self = .text
            case "date": self = .date
            case "smallint": self = .int2
            case "integer": self = .int4
            case "bigint": self = .int8
            default: return nil
            }
        }

        /// The integers the type holds, nil for a type that is not an integer.
        public var integerRange: ClosedRange<Int>? {
            switch self {
            case .int2: Int(Int16.min)...Int(Int16.max)
            case .int4: Int(Int32.min)...Int(Int32.max)
            case .int8: Int.min...Int.max
            case .text, .date: nil
            }
        }
    }

    @inlinable
    public static func appendBigEndian<Integer: FixedWidthInteger>(_ value: Integer, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }

    /// Appends `value` as an integer column of `type` (int2, int4 or int8) holds it; false, and nothing
    /// appended, when the type cannot hold it.
    @inlinable
    public static func appendInteger(_ value: Int, as type: ColumnType, to buffer: inout [UInt8]) -> Bool {
        switch type {
        case .int2:
            guard let value = Int16(exactly: value) else { return false }
            appendBigEndian(value, to: &buffer)
        case .int4:
            guard let value = Int32(exactly: value) else { return false }
            appendBigEndian(value, to: &buffer)
        case .int8:
            appendBigEndian(Int64(value), to: &buffer)
        case .text, .date:
            return false
        }
        return true
    }

    /// Appends a date as days since 2000-01-01, Postgres's binary form.
    @inlinable
    public static func appendDate(daysSince2000 days: Int, to buffer: inout [UInt8]) {
        appendBigEndian(Int32(days), to: &buffer)
    }

    /// Begins a field whose length is not known yet: a placeholder, set by `endField`.
    @inlinable
    public static func beginField(in buffer: inout [UInt8]) -> Int {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: 4))
        return start
    }

    /// Sets the length of the field begun at `start` to the bytes written since.
    @inlinable
    public static func endField(begunAt start: Int, in buffer: inout [UInt8]) {
        let length = UInt32(buffer.count - start - 4)
        buffer[start] = UInt8(truncatingIfNeeded: length >> 24)
        buffer[start + 1] = UInt8(truncatingIfNeeded: length >> 16)
        buffer[start + 2] = UInt8(truncatingIfNeeded: length >> 8)
        buffer[start + 3] = UInt8(truncatingIfNeeded: length)
    }

    /// Makes the field begun at `start` NULL, dropping what was written of it.
    @inlinable
    public static func nullField(begunAt start: Int, in buffer: inout [UInt8]) {
        buffer.removeSubrange(start...)
        appendNull(to: &buffer)
    }

    /// Appends a NULL field: a length of -1 and no bytes.
    @inlinable
    public static func appendNull(to buffer: inout [UInt8]) {
        appendBigEndian(Int32(-1), to: &buffer)
    }

    /// Appends a whole field: its length and its bytes.
    @inlinable
    public static func appendField(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        appendBigEndian(Int32(bytes.count), to: &buffer)
        buffer.append(contentsOf: bytes)
    }
}
