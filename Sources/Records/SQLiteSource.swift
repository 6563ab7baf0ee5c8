import CSQLite
import Failures

/// A table of a SQLite database read as a stream of records, one per row in rowid order: each value as text
/// (an INTEGER key and a TEXT key read alike, `2016010000005`), SQL NULL as a null field. A record's line is
/// the row's rowid; its raw text is the values joined by `|`. The file is opened read-only.
public final class SQLiteSource: RecordSource {
    public var lines: Int? { nil }
    public let columns: [String]
    public let sourceName: String
    private let database: OpaquePointer
    private let statement: OpaquePointer

    public init(path: String, table: String) throws {
        sourceName = "\(path):\(table)"
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw InputError(path: path, reason: "not a readable SQLite database (\(reason))")
        }
        database = handle
        // The table name is quoted as an identifier; it comes from the dataset definition, not from input.
        let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "SELECT rowid, * FROM \(quoted) ORDER BY rowid", -1, &prepared, nil) == SQLITE_OK,
            let prepared
        else {
            let reason = String(cString: sqlite3_errmsg(handle))
            sqlite3_close(handle)
            throw InputError(path: path, reason: "cannot read table \(table): \(reason)")
        }
        statement = prepared
        columns = (1..<sqlite3_column_count(prepared)).map { String(cString: sqlite3_column_name(prepared, $0)) }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close(database)
    }

    public func next() throws -> SourceRecord? {
        switch sqlite3_step(statement) {
        case SQLITE_DONE:
            return nil
        case SQLITE_ROW:
            var record = SourceRecord(line: Int(sqlite3_column_int64(statement, 0)))
            for column in 1..<sqlite3_column_count(statement) {
                if column > 1 { record.appendRaw(UInt8(ascii: "|")) }
                guard sqlite3_column_type(statement, column) != SQLITE_NULL else {
                    for byte in "NULL".utf8 { record.appendRaw(byte) }
                    record.appendNullField()
                    continue
                }
                // sqlite3_column_text renders INTEGER and REAL values as their decimal text.
                let count = Int(sqlite3_column_bytes(statement, column))
                if let text = sqlite3_column_text(statement, column) {
                    for byte in UnsafeBufferPointer(start: text, count: count) {
                        record.append(byte)
                        record.appendRaw(byte)
                    }
                }
                record.endField()
            }
            return record
        default:
            throw InputError(path: sourceName, reason: "read failed: \(String(cString: sqlite3_errmsg(database)))")
        }
    }
}
