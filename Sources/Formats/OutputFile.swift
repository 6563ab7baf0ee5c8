import Failures
import Foundation

/// A file written beside its final name (`NAME.<pid>.partial`) and renamed into place when complete, so a reader
/// never sees half of it. Only a regular file is ever replaced: a directory, device, FIFO, socket or symbolic
/// link at the name, or one of the run's own input files, is refused before anything is written, and left
/// as it is.
public final class OutputFile {
    public let path: String
    private let partialPath: String
    private var descriptor: Int32
    private var committed = false

    /// Checks `path` (see `checkTarget`) and creates the partial file. `inputs` are the files the run reads.
    public init(path: String, protecting inputs: [FileIdentity] = []) throws {
        try Self.checkTarget(path, protecting: inputs)
        self.path = path
        // One partial file per process, created new: two runs writing one folder never write into each other's
        // file, and a link someone left at the name is never written through. One left by a killed process
        // with the same pid is removed first (only a regular file: checkTarget refuses anything else).
        partialPath = "\(path).\(getpid()).partial"
        try Self.checkTarget(partialPath, protecting: inputs)
        unlink(partialPath)
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError(path: partialPath, reason: "cannot create the file: \(Self.reason())") }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Refuses to write at `path` when something other than a regular file is there, or when it is one of
    /// `inputs` (under any name): the tool replaces only regular files, never what it reads.
    public static func checkTarget(_ path: String, protecting inputs: [FileIdentity] = []) throws {
        guard let kind = FileKind.at(path, followingLinks: false) else { return }
        guard kind == .regular else {
            throw OutputError(path: path, reason: "is \(kind.phrase), and only a regular file is replaced; it is left as it is")
        }
        if let identity = FileIdentity.of(path), inputs.contains(identity) {
            throw OutputError(path: path, reason: "is an input of this run; it is not overwritten")
        }
    }

    /// Creates `directory` and its missing parents, as `mkdir -p` does.
    public static func makeDirectory(_ directory: String) throws {
        if FileKind.at(directory) == .directory { return }
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != directory { try makeDirectory(parent) }
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
            throw OutputError(path: directory, reason: "cannot create the folder: \(reason())")
        }
        if let kind = FileKind.at(directory), kind != .directory {
            throw OutputError(path: directory, reason: "cannot create the folder: \(String(cString: strerror(ENOTDIR))) (\(kind.phrase) is there)")
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: partialPath, reason: "cannot write: \(Self.reason())")
            }
            offset += written
        }
    }

    /// Closes the file and moves it to its final name.
    public func commit() throws {
        let closed = close(descriptor) == 0
        descriptor = -1
        guard closed else {
            let reason = Self.reason()
            unlink(partialPath)
            throw OutputError(path: partialPath, reason: "cannot write: \(reason)")
        }
        do {
            try Self.checkTarget(path)
        } catch {
            unlink(partialPath)
            throw error
        }
        guard rename(partialPath, path) == 0 else {
            let reason = Self.reason()
            unlink(partialPath)
            throw OutputError(path: path, reason: "cannot move the file into place: \(reason)")
        }
        committed = true
    }

    /// Closes and removes the unfinished file; does nothing once the file is committed.
    public func discard() {
        guard !committed else { return }
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(partialPath)
    }

    /// Ends a file that has nothing to hold: the partial file is removed, and so is an earlier run's file at
    /// the final name (a regular file, as `init` and this check find it), so no empty file is left and an old
    /// one never passes for this run's.
    public func withdraw() throws {
        discard()
        try Self.checkTarget(path)
        guard unlink(path) == 0 || errno == ENOENT else {
            throw OutputError(path: path, reason: "cannot remove the earlier run's file: \(Self.reason())")
        }
    }

    /// Writes `bytes` as the whole file.
    public static func replace(_ path: String, with bytes: [UInt8]) throws {
        let file = try OutputFile(path: path)
        do {
            try file.write(bytes)
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
