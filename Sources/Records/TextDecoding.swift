import CZlib
import Failures
import Foundation
import Glibc

/// The character encoding a text file is written in; the readers see UTF-8, transcoded a chunk at a time.
///
/// A byte (or pair) the encoding cannot map becomes 0xFF, a byte that is never UTF-8, so the field holding it
/// is rejected with its line by the validator's UTF-8 check: one bad byte costs a row, not the file.
public enum TextEncoding: Sendable, Equatable, CustomStringConvertible {
    case utf8
    /// UTF-16 whose byte order the byte-order mark gives (a file without one is refused).
    case utf16
    case utf16LE, utf16BE
    case latin1
    case windows1252
    /// Any other encoding iconv knows (CP949, Shift_JIS, ISO-8859-15, ...), by its iconv name.
    case iconv(String)

    /// The encoding a contract names: utf-8, utf-16, utf-16le, utf-16be, latin-1 (iso-8859-1), windows-1252
    /// (cp1252), or another name iconv knows; nil for a name nothing here can read.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8", "ascii", "us-ascii", "utf-8-sig": self = .utf8
        case "utf-16", "utf16": self = .utf16
        case "utf-16le", "utf-16-le": self = .utf16LE
        case "utf-16be", "utf-16-be": self = .utf16BE
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1": self = .latin1
        case "windows-1252", "cp1252", "cp-1252": self = .windows1252
        default:
            let descriptor = iconv_open("UTF-8", name)
            guard descriptor != iconv_t(bitPattern: -1) else { return nil }
            iconv_close(descriptor)
            self = .iconv(name)
        }
    }

    public var description: String {
        switch self {
        case .utf8: "utf-8"
        case .utf16: "utf-16"
        case .utf16LE: "utf-16le"
        case .utf16BE: "utf-16be"
        case .latin1: "latin-1"
        case .windows1252: "windows-1252"
        case .iconv(let name): name
        }
    }
}

/// One step between the bytes of a file and the bytes a reader sees: gunzip, or a transcoding to UTF-8.
/// `final` is set once, with the last input; a stage keeps what a chunk cut in two until the next call.
protocol ByteStage: AnyObject {
    func process(_ input: [UInt8], final: Bool) throws -> [UInt8]
}

/// gzip (several members one after the other, as `cat a.gz b.gz` makes) inflated as it streams.
final class Gunzip: ByteStage {
    private var stream = z_stream()
    private let path: String
    private var ended = false

    init(path: String) throws {
        self.path = path
        // 15 + 16: a gzip header and trailer, a window of 32 KiB.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw InputError(path: path, reason: "cannot start gzip decompression")
        }
    }

    deinit { inflateEnd(&stream) }

    func process(_ input: [UInt8], final: Bool) throws -> [UInt8] {
        var output: [UInt8] = []
        var input = input  // zlib's next_in is a mutable pointer
        var offset = 0
        var piece = [UInt8](repeating: 0, count: 1 << 16)
        // Until the input is used up and zlib has nothing more to give (a full `piece` may leave some behind).
        var full = false
        while offset < input.count || (full && !ended) {
            if ended {
                // Another member after the end of one; anything else there is not gzip.
                guard offset < input.count else { break }
                guard input[offset] == 0x1F else {
                    throw DataError(path: path, reason: "has bytes after the end of its gzip data")
                }
                inflateReset(&stream)
                ended = false
            }
            let (status, consumed, produced) = input.withUnsafeMutableBufferPointer { source in
                piece.withUnsafeMutableBufferPointer { target in
                    stream.next_in = source.baseAddress! + offset
                    stream.avail_in = UInt32(source.count - offset)
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, source.count - offset - Int(stream.avail_in), target.count - Int(stream.avail_out))
                }
            }
            output.append(contentsOf: piece[0..<produced])
            offset += consumed
            full = produced == piece.count
            switch status {
            case Z_OK, Z_BUF_ERROR: if consumed == 0 && produced == 0 { offset = input.count; full = false }
            case Z_STREAM_END: ended = true
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw DataError(path: path, reason: "is not valid gzip: \(message)")
            }
        }
        if final, !ended {
            throw DataError(path: path, reason: "ends in the middle of its gzip data (the file is cut short)")
        }
        return output
    }
}

/// One byte, one character: Latin-1, or Windows-1252 (Latin-1 with printable characters in 0x80-0x9F; its
/// five unassigned bytes are not mapped).
final class SingleByteDecoder: ByteStage {
    private let table: [[UInt8]]

    init(windows1252: Bool) {
        let extra: [UInt16] = [
            0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
            0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
        ]
        table = (0..<256).map { byte -> [UInt8] in
            var scalar = UInt32(byte)
            if windows1252, (0x80..<0xA0).contains(byte) {
                guard extra[byte - 0x80] != 0 else { return [0xFF] }
                scalar = UInt32(extra[byte - 0x80])
            }
            return Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
        }
    }

    func process(_ input: [UInt8], final: Bool) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 8)
        for byte in input {
            if byte < 0x80 { output.append(byte) } else { output.append(contentsOf: table[Int(byte)]) }
        }
        return output
    }
}

/// UTF-16 of either byte order; a lone surrogate or an odd last byte becomes 0xFF.
final class UTF16Decoder: ByteStage {
    private let littleEndian: Bool
    private var carry: [UInt8] = []

    init(littleEndian: Bool) { self.littleEndian = littleEndian }

    func process(_ input: [UInt8], final: Bool) throws -> [UInt8] {
        let bytes = carry + input
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        func unit(_ at: Int) -> UInt32 {
            littleEndian ? UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 : UInt32(bytes[at]) << 8 | UInt32(bytes[at + 1])
        }
        func append(_ scalar: UInt32) {
            switch scalar {
            case ..<0x80: output.append(UInt8(scalar))
            case ..<0x800: output += [UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F)]
            case ..<0x10000: output += [UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
            default:
                output += [UInt8(0xF0 | scalar >> 18), UInt8(0x80 | scalar >> 12 & 0x3F), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
            }
        }
        while index + 1 < bytes.count {
            let first = unit(index)
            if (0xD800..<0xDC00).contains(first) {
                guard index + 3 < bytes.count else { break }  // the pair's second half is in the next chunk
                let second = unit(index + 2)
                if (0xDC00..<0xE000).contains(second) {
                    append(0x10000 + (first - 0xD800) << 10 + (second - 0xDC00))
                    index += 4
                } else {
                    output.append(0xFF)
                    index += 2
                }
            } else if (0xDC00..<0xE000).contains(first) {
                output.append(0xFF)
                index += 2
            } else {
                append(first)
                index += 2
            }
        }
        carry = Array(bytes[index...])
        if final, !carry.isEmpty {
            output.append(0xFF)
            carry = []
        }
        return output
    }
}

/// Any encoding iconv knows; a byte sequence it cannot read becomes 0xFF and reading goes on after its first byte.
final class IconvDecoder: ByteStage {
    private let descriptor: iconv_t
    private var carry: [UInt8] = []

    init(name: String, path: String) throws {
        descriptor = iconv_open("UTF-8", name)
        guard descriptor != iconv_t(bitPattern: -1) else {
            throw InputError(path: path, reason: "cannot read the encoding \(name)")
        }
    }

    deinit { iconv_close(descriptor) }

    func process(_ input: [UInt8], final: Bool) throws -> [UInt8] {
        var bytes = carry + input
        carry = []
        var output: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: max(4096, bytes.count * 4))
        var offset = 0
        while offset < bytes.count {
            let (result, error, consumed, produced) = bytes.withUnsafeMutableBufferPointer { source in
                piece.withUnsafeMutableBufferPointer { target in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(source.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
                    var inLeft = source.count - offset
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(target.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var outLeft = target.count
                    let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (result, errno, source.count - offset - inLeft, target.count - outLeft)
                }
            }
            output.append(contentsOf: piece[0..<produced])
            offset += consumed
            guard result == -1 else { continue }
            switch error {
            case E2BIG: continue
            case EINVAL where !final:
                carry = Array(bytes[offset...])  // a character the chunk cuts in two
                offset = bytes.count
            default:
                output.append(0xFF)
                offset += 1
            }
        }
        return output
    }
}

extension TextEncoding {
    /// `bytes` (a whole text, or its start) as UTF-8; a character cut short at the end is dropped.
    public func decode(_ bytes: [UInt8]) throws -> [UInt8] {
        let stage: ByteStage? = switch self {
        case .utf8: nil
        case .utf16, .utf16LE: UTF16Decoder(littleEndian: true)
        case .utf16BE: UTF16Decoder(littleEndian: false)
        case .latin1, .windows1252: SingleByteDecoder(windows1252: self == .windows1252)
        case .iconv(let name): try IconvDecoder(name: name, path: "")
        }
        return try stage?.process(bytes, final: false) ?? bytes
    }

    /// Whether iconv reads all of `bytes` in the encoding `name` without an error (a character cut short at
    /// the end aside): the decoder writes 0xFF, never UTF-8, where it cannot read.
    public static func iconvReads(_ bytes: [UInt8], as name: String) -> Bool {
        guard let decoded = try? IconvDecoder(name: name, path: "").process(bytes, final: false) else { return false }
        return !decoded.contains(0xFF)
    }
}

extension FileInput {
    /// The first `limit` bytes of the file at `path` as stored, or as a gzip file inflates; not transcoded.
    public static func head(path: String, limit: Int) throws -> [UInt8] {
        let file = try FileInput(path: path)
        var raw: [UInt8] = []
        while raw.count < limit, let byte = try file.next() {
            raw.append(byte)
            if raw.count == 2, raw == [0x1F, 0x8B] { break }
        }
        guard raw == [0x1F, 0x8B] else { return raw }
        let gunzip = try Gunzip(path: path)
        var output = try gunzip.process(raw, final: false)
        var piece: [UInt8] = []
        while output.count < limit, let byte = try file.next() {
            piece.append(byte)
            if piece.count == 1 << 16 {
                output += try gunzip.process(piece, final: false)
                piece = []
            }
        }
        if !piece.isEmpty { output += try gunzip.process(piece, final: false) }
        return Array(output.prefix(limit))
    }
}
