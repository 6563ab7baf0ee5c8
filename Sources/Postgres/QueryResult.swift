import CLibPQ

/// A completed statement's rows, read in Postgres's text format. Owns the libpq result.
public final class QueryResult {
    public struct Column: Sendable, Equatable {
        public let name: String
        /// The column's type OID (`pg_type.oid`), e.g. 23 for int4.
        public let typeOID: UInt32
    }

    let handle: OpaquePointer
    public let columns: [Column]
    public let rowCount: Int

    init(handle: OpaquePointer) {
        self.handle = handle
        rowCount = Int(PQntuples(handle))
        columns = (0..<PQnfields(handle)).map { index in
            // COPY results have columns without names.
            Column(name: PQfname(handle, index).map { String(cString: $0) } ?? "", typeOID: PQftype(handle, index))
        }
    }

    deinit { PQclear(handle) }

    /// Rows touched by INSERT / UPDATE / DELETE / COPY / ..., from the command tag.
    public var affectedRows: Int {
        Int(String(cString: PQcmdTuples(handle))) ?? 0
    }

    /// The command tag's verb and counts (`INSERT 0 3`, `COMMIT`, `ROLLBACK`).
    public var commandTag: String {
        String(cString: PQcmdStatus(handle))
    }

    public var rows: [Row] {
        (0..<rowCount).map { Row(result: self, index: $0) }
    }

    /// The text of one value, nil for SQL NULL.
    public func value(row: Int, column: Int) -> String? {
        let (r, c) = (Int32(row), Int32(column))
        guard PQgetisnull(handle, r, c) == 0 else { return nil }
        return String(cString: PQgetvalue(handle, r, c))
    }

    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }
}

/// One row of a result. Columns are read by position or name, as text or decoded to a Swift type.
public struct Row {
    let result: QueryResult
    public let index: Int

    public subscript(column: Int) -> String? {
        result.value(row: index, column: column)
    }

    public subscript(column: String) -> String? {
        result.columnIndex(named: column).flatMap { self[$0] }
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: Int) throws -> T {
        guard column < result.columns.count else {
            throw PostgresError(.decoding, message: "no column \(column) in a row of \(result.columns.count)")
        }
        return try T.decode(self[column], column: result.columns[column].name)
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        guard let position = result.columnIndex(named: column) else {
            throw PostgresError(.decoding, message: "no column named \(column)")
        }
        return try decode(type, position)
    }
}

/// A Swift type a text-format value can be decoded to. Optional decodes NULL as nil; the others
/// treat NULL as an error that names the column.
public protocol PostgresDecodable {
    static func decode(_ text: String?, column: String) throws -> Self
}

protocol TextDecodable: PostgresDecodable {
    init?(postgresText: String)
}

extension TextDecodable {
    public static func decode(_ text: String?, column: String) throws -> Self {
        guard let text else {
            throw PostgresError(.decoding, message: "column \(column) is NULL, expected \(Self.self)")
        }
        guard let value = Self(postgresText: text) else {
            throw PostgresError(.decoding, message: "column \(column) value \"\(text)\" is not a \(Self.self)")
        }
        return value
    }
}

extension String: TextDecodable {
    init?(postgresText: String) { self = postgresText }
}

extension Int: TextDecodable {
    init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: TextDecodable {
    init?(postgresText: String) { self.init(postgresText) }
}

extension Double: TextDecodable {
    init?(postgresText: String) { self.init(postgresText) }
}

extension Bool: TextDecodable {
    init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(_ text: String?, column: String) throws -> Wrapped? {
        guard let text else { return nil }
        return try Wrapped.decode(text, column: column)
    }
}
