import Foundation

/// The checkout the tests run in: they read only what it holds (data/, Tests/Fixtures), as a user's clone has
/// nothing beside it.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}

/// What a command printed and how it exited.
public struct ToolRun: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// The tool was ended by a signal (a trap, a segfault), `status` then being the signal's number.
    public var crashed = false
}

/// Runs the `ingest` or `summary` executable built beside the test bundle, from the repository root.
public func runTool(_ name: String, _ arguments: [String], environment: [String: String]) throws -> ToolRun {
    let buildFolder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    let process = Process()
    process.executableURL = buildFolder.appendingPathComponent(name)
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = Repository.root
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes while the tool runs, so a chatty tool never blocks on a full pipe.
    nonisolated(unsafe) var errData = Data()
    let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errReader.isFinished { usleep(1000) }
    return ToolRun(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self), crashed: process.terminationReason == .uncaughtSignal)
}

/// A folder of its own under the system's temporary folder, removed when released.
public final class TemporaryFolder {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "pgpipe-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` in the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
}
