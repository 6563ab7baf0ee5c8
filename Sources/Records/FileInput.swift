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
    private let descriptor: Int32
    private var chunk: [UInt8]
    private var position = 0
    private var filled = 0
    private var atEnd = false
    private var hasher = SHA256()

    public init(path: String, chunkSize: Int = 1 << 16) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw InputError(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw InputError(path: path, reason: "not a regular file (a directory?)")
        }
        size = Int(status.st_size)
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

    /// Consumes `prefix` if the unread bytes start with it (a byte-order mark, say); otherwise consumes nothing.
    public func skip(prefix: [UInt8]) throws {
        guard try peek() != nil, filled - position >= prefix.count,
            chunk[position..<(position + prefix.count)].elementsEqual(prefix)
        else { return }
        position += prefix.count
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
        bytesRead += count
        position = 0
        filled = count
        return true
    }
}
