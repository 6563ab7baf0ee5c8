#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What kind of file a path names, as a person would say it in an error line.
public enum FileKind: Equatable, Sendable {
    case regular, directory, fifo, characterDevice, blockDevice, socket, symbolicLink, other

    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        case S_IFLNK: self = .symbolicLink
        default: self = .other
        }
    }

    /// The kind at `path`, following symbolic links unless `followingLinks` is false; nil when nothing is there.
    public static func at(_ path: String, followingLinks: Bool = true) -> FileKind? {
        var status = stat()
        let found = followingLinks ? stat(path, &status) : lstat(path, &status)
        return found == 0 ? FileKind(mode: status.st_mode) : nil
    }

    /// "a directory", "a FIFO (named pipe)", ...
    public var phrase: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a directory"
        case .fifo: "a FIFO (named pipe)"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .socket: "a socket"
        case .symbolicLink: "a symbolic link"
        case .other: "a file of an unknown kind"
        }
    }
}

/// A file's device and inode: two paths name the same file when these are equal.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// The file at `path` (links followed), or nil when there is none.
    public static func of(_ path: String) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }
}
