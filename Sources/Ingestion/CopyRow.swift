import Formats
import Records

extension CopyText {
    /// Ends a row whose values the validator wrote: the record's line, and its position in a JSON array.
    static func endRow(of record: SourceRecord, in buffer: inout [UInt8]) {
        buffer.append(contentsOf: String(record.line).utf8)
        if let position = record.position {
            buffer.append(UInt8(ascii: "\t"))
            buffer.append(contentsOf: String(position).utf8)
        }
        buffer.append(UInt8(ascii: "\n"))
    }
}
