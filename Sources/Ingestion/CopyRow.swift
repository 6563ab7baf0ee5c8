import Formats
import Records
import Validation

extension CopyText {
    /// Appends one validated record as a row of COPY text: its values in the order validated, then its line.
    static func appendRow(
        _ values: [FieldValue], of record: SourceRecord, positions: [Int], to buffer: inout [UInt8]
    ) {
        for (index, value) in values.enumerated() {
            switch value {
            case .verbatim: appendEscaped(record.field(positions[index]), to: &buffer)
            case .text(let text): appendEscaped(text.utf8, to: &buffer)
            case .null: buffer.append(contentsOf: nullMarker)
            case .invalid: preconditionFailure("an invalid field reached the COPY encoder")
            }
            buffer.append(UInt8(ascii: "\t"))
        }
        buffer.append(contentsOf: String(record.line).utf8)
        if let position = record.position {
            buffer.append(UInt8(ascii: "\t"))
            buffer.append(contentsOf: String(position).utf8)
        }
        buffer.append(UInt8(ascii: "\n"))
    }
}
