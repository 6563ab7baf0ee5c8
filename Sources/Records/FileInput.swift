import Crypto
import Failures
import Foundation

/// A file read in fixed-size chunks, byte by byte for the parser, hashing every byte on the way, so memory
/// stays flat whatever the file's size and the ledger's sha256 costs no second pass.
public final class FileInput {
    public let path: String
    /// The file's size when opened, for progress.
    public let size: Int
    public private(set) var bytesRead = 0
    /// The last byte read from the file (whether a text file ends with a line break).
    public private(set) var lastByte: UInt8?
    /// The file itself (device and inode), so an output can be refused when it is this file under another name.
    public let identity: FileIdentity
    private let descriptor: Int32
    private var chunk: [UInt8]
    private let chunkSize: Int
    private var position = 0
    private var filled = 0
    private var atEnd = false
    private var hasher = SHA256()

    public init(path: String, chunkSize: Int = 1 << 16) throws {
        self.path = path
        // Opened without blocking, so a FIFO without a writer cannot hang the open; only a regular file is read.
        descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw InputError(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw InputError(path: path, reason: reason)
        }
        let kind = FileKind(mode: status.st_mode)
        guard kind == .regular else {
            close(descriptor)
            throw InputError(path: path, reason: "is \(kind.phrase), not a regular file")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        size = Int(status.st_size)
        self.chunkSize = chunkSize
        chunk = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit { close(descriptor) }

    /// The next byte without consuming it; nil at the end of the file.
    @inline(__always)
    public func peek() throws -> UInt8? {
        if position == filled {
            guard try refill() else { return nil }
        }
        return chunk[position]
    }

    /// Consumes and returns the next byte; nil at the end of the file.
    @inline(__always)
    public func next() throws -> UInt8? {
        guard let byte = try peek() else { return nil }
        position += 1
        return byte
    }

    /// Consumes bytes while `accept` takes them, handing each run (a part of one chunk) to `body`, and returns
    /// the byte that stopped it, not consumed; nil at the end of the file. A parser's hot loops (white space,
    /// a string's plain bytes) go a run at a time instead of a call per byte.
    public func consume(while accept: (UInt8) -> Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws -> UInt8? {
        while true {
            if position == filled {
                guard try refill() else { return nil }
            }
            let stop = chunk.withUnsafeBufferPointer { buffer in
                var index = position
                while index < filled, accept(buffer[index]) { index += 1 }
                if index > position { body(UnsafeBufferPointer(rebasing: buffer[position..<index])) }
                return index
            }
            position = stop
            if stop < filled { return chunk[stop] }
        }
    }

    /// Hands `body` the unread bytes of the chunk in memory (reading the next chunk first when none are left)
    /// and consumes as many as it returns; false at the end of the file. A parser's fast path takes what is
    /// already in memory in one pass and leaves anything harder to the byte-wise calls.
    public func withBufferedBytes(_ body: (UnsafeBufferPointer<UInt8>) -> Int) throws -> Bool {
        if position == filled {
            guard try refill() else { return false }
        }
        let consumed = chunk.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[position..<filled])) }
        precondition(consumed <= filled - position, "consumed more bytes than were handed over")
        position += consumed
        return true
    }

    /// Consumes `prefix` if the unread bytes start with it (a byte-order mark, say); otherwise consumes nothing.
    public func skip(prefix: [UInt8]) throws {
        guard try peek() != nil, filled - position >= prefix.count,
            chunk[position..<(position + prefix.count)].elementsEqual(prefix)
        else { return }
        position += prefix.count
    }

    /// Puts `bytes`, read last, back in front of the unread ones, to be read again (not hashed or counted again).
    public func unread(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let unreadBytes = bytes + chunk[position..<filled]
        chunk = unreadBytes + [UInt8](repeating: 0, count: max(0, chunkSize - unreadBytes.count))
        position = 0
        filled = unreadBytes.count
    }

    /// Reads (and hashes) the rest of the file without keeping it.
    public func readToEnd() throws {
        while try refill() { position = filled }
    }

    /// The sha256 of every byte read so far, as lowercase hex; call it once the file is read to the end.
    public func sha256Hex() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private func refill() throws -> Bool {
        if atEnd { return false }
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else {
            throw InputError(path: path, reason: "read failed: \(String(cString: strerror(errno)))")
        }
        if count == 0 {
            atEnd = true
            return false
        }
        hasher.update(data: chunk[0..<count])
        lastByte = chunk[count - 1]
        bytesRead += count
        position = 0
        filled = count
        return true
    }
}
