import Failures
import Foundation

/// A file written beside its final name (`NAME.partial`) and renamed into place when complete, so a reader
/// never sees half of it; rename(2) replaces a file at the final name and refuses a directory.
public final class OutputFile {
    public let path: String
    private let partialPath: String
    private let handle: FileHandle

    public init(path: String) throws {
        self.path = path
        partialPath = path + ".partial"
        guard FileManager.default.createFile(atPath: partialPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: partialPath)
        else { throw OutputError(path: partialPath, reason: "cannot create the file") }
        self.handle = handle
    }

    public func write(_ bytes: [UInt8]) throws {
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            throw OutputError(path: partialPath, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Closes the file and moves it to its final name.
    public func commit() throws {
        try? handle.close()
        guard rename(partialPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: partialPath)
            throw OutputError(path: path, reason: "cannot move the file into place: \(reason)")
        }
    }

    /// Closes and removes the unfinished file.
    public func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
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
}
