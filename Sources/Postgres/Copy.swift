import CLibPQ

/// Streams rows into `COPY ... FROM STDIN`. Bytes are gathered into a buffer and handed to libpq in
/// large chunks; the caller encodes rows in the format its COPY statement names.
public final class CopyInWriter {
    private let connection: Connection
    private var buffer: [UInt8] = []
    private let flushThreshold: Int

    init(connection: Connection, flushThreshold: Int) {
        self.connection = connection
        self.flushThreshold = flushThreshold
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    public func write(_ byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= flushThreshold { try flush() }
    }

    public func write<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Lets an encoder append straight into the buffer without a copy per field.
    public func withBuffer<R>(_ body: (inout [UInt8]) throws -> R) throws -> R {
        let value = try body(&buffer)
        if buffer.count >= flushThreshold { try flush() }
        return value
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                PQputCopyData(connection.handle, $0, Int32(bytes.count))
            }
        }
        guard sent == 1 else {
            throw PostgresError(.connection, message: "connection lost during COPY: \(PostgresError.trimmed(PQerrorMessage(connection.handle)))")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension Connection {
    /// Runs `COPY ... FROM STDIN`, lets `body` write the data, then ends the COPY and checks the server's
    /// final verdict (constraint violations surface there). Returns the number of rows copied.
    /// If `body` throws, the COPY is aborted, so the server keeps nothing of it, and the error is rethrown.
    @discardableResult
    public func copyIn(_ statement: SQLQuery, flushThreshold: Int = 1 << 18, _ body: (CopyInWriter) throws -> Void) throws -> Int {
        _ = try checked(PQexec(handle, try Self.parameterless(statement)), expecting: [PGRES_COPY_IN])
        let writer = CopyInWriter(connection: self, flushThreshold: flushThreshold)
        do {
            try body(writer)
            try writer.flush()
        } catch {
            PQputCopyEnd(handle, "aborted by the client")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw PostgresError(.connection, connection: handle) }
        let result = try checked(PQgetResult(handle), expecting: [PGRES_COMMAND_OK])
        drainResults()
        return result.affectedRows
    }

    /// Runs `COPY ... TO STDOUT` and hands each chunk of data (a row, for text and CSV formats) to `sink`.
    /// Returns the number of rows copied.
    @discardableResult
    public func copyOut(_ statement: SQLQuery, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        _ = try checked(PQexec(handle, try Self.parameterless(statement)), expecting: [PGRES_COPY_OUT])
        var sinkError: Error?
        while true {
            var chunk: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &chunk, 0)
            if length == -1 { break }
            guard length >= 0, let chunk else {
                drainResults()
                throw PostgresError(.connection, connection: handle)
            }
            defer { PQfreemem(chunk) }
            // Keep reading after a sink error: libpq needs the COPY drained before the next statement.
            if sinkError == nil {
                do { try sink(UnsafeRawBufferPointer(start: chunk, count: Int(length))) } catch { sinkError = error }
            }
        }
        let result = try checked(PQgetResult(handle), expecting: [PGRES_COMMAND_OK])
        drainResults()
        if let sinkError { throw sinkError }
        return result.affectedRows
    }

    /// COPY takes no parameters: its values are set beforehand (`set_config`) and read with `current_setting`.
    private static func parameterless(_ statement: SQLQuery) throws -> String {
        guard statement.binds.isEmpty else {
            throw PostgresError(.usage, message: "COPY cannot take parameters; set them with set_config and read them with current_setting")
        }
        return statement.sql
    }

    /// Reads results until libpq says there are none, so the connection is ready for the next statement.
    func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}
