import Formats
import Records
import Validation

/// How a load's rows are framed in its COPY: text (tab-separated, a line each) or binary (a field count,
/// then each field with its length). The validator writes each record's own values; this writes what comes
/// before them (the constant columns) and after them (the record's line, and its position in a JSON array).
enum RowFormat {
    case text
    /// The types of the constant columns and of the line and position columns, and the row's field count.
    case binary(constants: [CopyBinary.ColumnType], trailing: [CopyBinary.ColumnType], fieldCount: Int)

    var isBinary: Bool {
        if case .binary = self { return true }
        return false
    }

    var header: [UInt8] { isBinary ? CopyBinary.header : [] }
    var trailer: [UInt8] { isBinary ? CopyBinary.trailer : [] }

    /// What each row begins with: the constant columns' values (a batch date or a file name).
    func prefix(constants values: [String]) -> [UInt8] {
        var prefix: [UInt8] = []
        switch self {
        case .text:
            for value in values {
                CopyText.appendEscaped(value.utf8, to: &prefix)
                prefix.append(UInt8(ascii: "\t"))
            }
        case .binary(let types, _, let fieldCount):
            CopyBinary.appendBigEndian(Int16(fieldCount), to: &prefix)
            for (value, type) in zip(values, types) {
                let start = CopyBinary.beginField(in: &prefix)
                if type == .date, let date = CalendarDate(iso: value) {
                    CopyBinary.appendDate(daysSince2000: date.daysSince2000, to: &prefix)
                } else {
                    prefix.append(contentsOf: value.utf8)
                }
                CopyBinary.endField(begunAt: start, in: &prefix)
            }
        }
        return prefix
    }

    /// Ends a row whose values the validator wrote: the record's line, and its position in a JSON array.
    func end(_ record: SourceRecord, in buffer: inout [UInt8]) {
        switch self {
        case .text:
            CopyText.appendInteger(record.line, to: &buffer)
            if let position = record.position {
                buffer.append(UInt8(ascii: "\t"))
                CopyText.appendInteger(position, to: &buffer)
            }
            buffer.append(UInt8(ascii: "\n"))
        case .binary(_, let trailing, _):
            for (index, type) in trailing.enumerated() {
                guard let value = index == 0 ? record.line : record.position else {
                    CopyBinary.appendNull(to: &buffer)
                    continue
                }
                // A line past the column's type is sent as eight bytes, which the server refuses for the
                // column, as it refuses the number in text: the load fails rather than store another line.
                let start = CopyBinary.beginField(in: &buffer)
                if !CopyBinary.appendInteger(value, as: type, to: &buffer) { CopyBinary.appendBigEndian(Int64(value), to: &buffer) }
                CopyBinary.endField(begunAt: start, in: &buffer)
            }
        }
    }
}
