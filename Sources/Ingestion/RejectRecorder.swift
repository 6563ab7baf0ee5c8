import Formats
import Postgres
import Validation

/// Records each reject twice, as it happens: a row COPYed into `ingest.rejects` (on a connection of its own,
/// so rejects are kept even when the load rolls back) and a JSON line in the rejects file, which appears
/// under its final name only once complete. Past `storeLimit` rejects are only counted: a file of bad rows
/// does not fill the table and the disk for a load that rolls back anyway.
final class RejectRecorder {
    private let run: Int64
    private let dataset: String
    private let table: CopyInWriter
    private let file: OutputFile
    private var line: [UInt8] = []
    private let storeLimit: Int
    private var stored = 0
    /// Rejects counted but not written, past `storeLimit`.
    private(set) var notStored = 0

    static let copyStatement: SQLQuery =
        "COPY ingest.rejects (run_id, dataset, source_file, line, field, reason, raw) FROM STDIN"

    init(run: Int64, dataset: String, table: CopyInWriter, file: OutputFile, storeLimit: Int) {
        self.run = run
        self.dataset = dataset
        self.table = table
        self.file = file
        self.storeLimit = storeLimit
    }

    func record(_ reject: Reject) throws {
        guard stored < storeLimit else {
            notStored += 1
            return
        }
        stored += 1
        try table.withBuffer { buffer in
            CopyText.appendFields(
                [String(run), dataset, reject.source, String(reject.line), reject.field, reject.reason, reject.raw], to: &buffer)
            buffer.append(UInt8(ascii: "\n"))
        }
        line.removeAll(keepingCapacity: true)
        JSONText.appendObject(
            [("file", .string(reject.source)), ("line", .number(String(reject.line))),
             ("field", reject.field.map(JSONText.Value.string) ?? .null),
             ("reason", .string(reject.reason)), ("raw", .string(reject.raw))],
            to: &line)
        line.append(UInt8(ascii: "\n"))
        try file.write(line)
    }

    /// Closes the file and moves it to its final name; a load without rejects leaves no file, and removes
    /// the one an earlier load left there.
    func finish() throws {
        if stored == 0 && notStored == 0 { try file.withdraw() } else { try file.commit() }
    }

    /// Closes and removes the unfinished file.
    func discard() {
        file.discard()
    }
}
