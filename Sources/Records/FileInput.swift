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
    /// Gunzip and transcoding, when the file needs them (see `decode(as:)`); empty for a plain UTF-8 file,
    /// which is read straight into `chunk`.
    private var stages: [ByteStage] = []
    /// The encoding the reader sees the file in, as rejects name it; nil when UTF-8 as stored.
    public private(set) var decodedFrom: String?

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

    /// Sets up how the file's bytes become UTF-8 text, before anything is read: a gzip file (known by its
    /// first bytes, whatever its name) is inflated as it streams; a byte-order mark is checked against
    /// `encoding` and skipped; any encoding but UTF-8 is transcoded. A file that is plainly not text of that
    /// kind (a zip archive, an HTML page, UTF-16 without a byte-order mark read as UTF-8) is refused here,
    /// in one line, instead of being misread.
    public func decode(as encoding: TextEncoding) throws {
        precondition(bytesRead == 0, "decode(as:) comes before any read")
        guard try readChunk() else {
            if encoding == .utf16 { throw DataError(path: path, reason: "is empty: no byte-order mark to tell utf-16le from utf-16be") }
            return
        }
        var first = Array(chunk[0..<filled])
        var found: [ByteStage] = []
        if first.starts(with: [0x1F, 0x8B]) {
            let gunzip = try Gunzip(path: path)
            found.append(gunzip)
            first = try gunzip.process(first, final: atEnd)
        }
        if first.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw DataError(path: path, reason: "is a zip archive, not a text file: unzip it first (gzip is read as it is)")
        }
        let trimmed = first.prefix(512).drop(while: { [0x20, 0x09, 0x0A, 0x0D].contains($0) })
        let start = String(decoding: trimmed.prefix(14), as: UTF8.self).lowercased()
        if start.hasPrefix("<!doctype html") || start.hasPrefix("<html") {
            throw DataError(path: path, reason: "is an HTML page, not a data file (a download that returned an error page?)")
        }
        let mark: (name: String, length: Int, encoding: TextEncoding)? =
            first.starts(with: [0xEF, 0xBB, 0xBF]) ? ("UTF-8", 3, .utf8)
            : first.starts(with: [0xFF, 0xFE]) ? ("UTF-16 little-endian", 2, .utf16LE)
            : first.starts(with: [0xFE, 0xFF]) ? ("UTF-16 big-endian", 2, .utf16BE) : nil
        var effective = encoding
        if let mark {
            let agrees = encoding == mark.encoding || (encoding == .utf16 && mark.encoding != .utf8)
            guard agrees else {
                throw DataError(path: path, reason: "starts with a \(mark.name) byte-order mark but is to be read as \(encoding): set the dialect's encoding to \(mark.encoding)")
            }
            effective = mark.encoding
            first.removeFirst(mark.length)
        } else if encoding == .utf16 {
            throw DataError(path: path, reason: "has no byte-order mark: set the dialect's encoding to utf-16le or utf-16be")
        } else if encoding == .utf8, let order = Self.utf16WithoutMark(first) {
            throw DataError(path: path, reason: "looks like UTF-16 without a byte-order mark (every other byte is zero): set the dialect's encoding to \(order)")
        }
        switch effective {
        case .utf8, .utf16: break
        case .utf16LE, .utf16BE: found.append(UTF16Decoder(littleEndian: effective == .utf16LE))
        case .latin1, .windows1252: found.append(SingleByteDecoder(windows1252: effective == .windows1252))
        case .iconv(let name): found.append(try IconvDecoder(name: name, path: path))
        }
        if effective != .utf8 { decodedFrom = effective.description }
        let gunzipped = found.first is Gunzip
        stages = found
        for stage in found.dropFirst(gunzipped ? 1 : 0) { first = try stage.process(first, final: atEnd) }
        setChunk(first)
    }

    /// When `bytes` look like UTF-16 text without a byte-order mark, its byte order: most of the even (or odd)
    /// bytes are zero, as in ASCII text written in UTF-16.
    public static func utf16WithoutMark(_ bytes: [UInt8]) -> TextEncoding? {
        let pairs = min(bytes.count / 2, 4096)
        guard pairs >= 4 else { return nil }
        var zeroEven = 0, zeroOdd = 0
        for index in 0..<pairs {
            if bytes[2 * index] == 0 { zeroEven += 1 }
            if bytes[2 * index + 1] == 0 { zeroOdd += 1 }
        }
        if zeroOdd * 4 >= pairs * 3, zeroEven == 0 { return .utf16LE }
        if zeroEven * 4 >= pairs * 3, zeroOdd == 0 { return .utf16BE }
        return nil
    }

    private func setChunk(_ bytes: [UInt8]) {
        chunk = bytes
        position = 0
        filled = bytes.count
        if let last = bytes.last { lastByte = last }
    }

    private func refill() throws -> Bool {
        guard !stages.isEmpty else { return try readChunk() }
        while true {
            if atEnd { return false }
            // The file is read a chunk's size at a time, whatever size the decoded chunk came out.
            if chunk.count != chunkSize { chunk = [UInt8](repeating: 0, count: chunkSize) }
            let raw = try readChunk() ? Array(chunk[0..<filled]) : []
            var bytes = raw
            for stage in stages { bytes = try stage.process(bytes, final: atEnd) }
            setChunk(bytes)
            if !bytes.isEmpty { return true }
        }
    }

    /// Reads the file's next bytes into `chunk`, hashing them; false at its end.
    private func readChunk() throws -> Bool {
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
