import Formats
import Records

extension CopyText {
    /// Ends a row whose values the validator wrote: the record's line, and its position in a JSON array.
    static func endRow(of record: SourceRecord, in buffer: inout [UInt8]) {
        appendInteger(record.line, to: &buffer)
        if let position = record.position {
            buffer.append(UInt8(ascii: "\t"))
            appendInteger(position, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }
}
