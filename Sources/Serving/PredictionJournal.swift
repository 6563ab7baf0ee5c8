import Failures
import Foundation
import Schema

/// A local folder every served prediction is appended to before it is answered, so that a serve process killed
/// before its recorder wrote to the database loses nothing: the next serve on the same folder records what the
/// database's marks (`ml.served_journal_marks`) do not cover. Each process writes segment files of its own
/// (`<boot>-<k>.journal`, a new one past 16 MiB); an entry is a line, `boot<TAB>n<TAB>` and the prediction's
/// COPY row, and the entries of one request go out in one write(2). A process killed between two writes leaves
/// whole lines, and the page cache keeps them (a machine that loses power can lose what the OS had not written
/// yet: no fsync per answer). A segment is deleted once all its entries are recorded. One serve at a time holds
/// a folder (an exclusive flock on its `lock` file).
final class PredictionJournal: @unchecked Sendable {
    /// Who writes the journal, in the marks: the host and the folder's absolute path.
    let name: String
    /// This process's entries' prefix, new at each start.
    let boot = UUID().uuidString.lowercased()
    let folder: String
    /// sql/queries/models/record_journal_mark.sql, read at start.
    let markStatement: String
    static let segmentBytes = 16 << 20

    private let lock: Int32
    private var segment: (number: Int, descriptor: Int32, bytes: Int) = (0, -1, 0)
    private var next = 1
    /// Entries of each segment not recorded yet; a segment at 0 that is not being written is deleted.
    private var waiting: [String: Int] = [:]

    init(folder path: String, sql: SQLFolder) throws {
        markStatement = try sql.text("queries/models/record_journal_mark.sql")
        folder = URL(fileURLWithPath: path).standardizedFileURL.path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigurationError("--journal \(path): cannot create the folder: \(error.localizedDescription)")
        }
        lock = open("\(folder)/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw ConfigurationError("--journal \(path): cannot write in the folder: \(String(cString: strerror(errno)))") }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            close(lock)
            throw ConfigurationError("--journal \(path): another serve holds this journal; give each serve its own")
        }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count)
        name = "\(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(folder)"
        try startSegment()
    }

    deinit {
        close(segment.descriptor)
        close(lock)
    }

    private func file(_ number: Int) -> String { "\(boot)-\(String(format: "%06d", number)).journal" }

    private func startSegment() throws {
        let number = segment.number + 1
        let descriptor = open("\(folder)/\(file(number))", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError("--journal \(folder): cannot create a segment: \(String(cString: strerror(errno)))")
        }
        let old = segment
        segment = (number, descriptor, 0)
        if old.descriptor >= 0 {
            close(old.descriptor)
            deleteIfDone(file(old.number))
        }
    }

    /// Appends `rows` (COPY rows, each with its newline) in one write and returns each one's entry; nil when
    /// the write failed. The caller serialises appends.
    func append(_ rows: [[UInt8]]) -> [(file: String, boot: String, n: Int)]? {
        var bytes: [UInt8] = []
        var entries: [(file: String, boot: String, n: Int)] = []
        let current = file(segment.number)
        for row in rows {
            bytes += "\(boot)\t\(next + entries.count)\t".utf8
            bytes += row
            entries.append((current, boot, next + entries.count))
        }
        let written = bytes.withUnsafeBytes { write(segment.descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { return nil }
        next += entries.count
        waiting[current, default: 0] += entries.count
        segment.bytes += bytes.count
        if segment.bytes >= Self.segmentBytes { try? startSegment() }
        return entries
    }

    /// The boots of earlier processes that left segments in the folder.
    func earlierBoots() throws -> [String] {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".journal") && !$0.hasPrefix(boot) }
            .map { String($0.prefix(boot.count)) }).sorted()
    }

    /// Entries of earlier processes (other boots) past their marks, each with its segment, boot and number,
    /// and its COPY row. A line cut short (a machine that died mid-write) is left out; a segment with nothing
    /// left to record is deleted.
    func unrecorded(marks: [String: Int]) throws -> [(entry: (file: String, boot: String, n: Int), row: [UInt8])] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".journal") && !$0.hasPrefix(boot) }.sorted()
        var found: [(entry: (file: String, boot: String, n: Int), row: [UInt8])] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: "\(folder)/\(file)") else {
                throw ConfigurationError("--journal \(folder)/\(file): cannot read it back")
            }
            var count = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                let parts = line.split(separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
                // A whole entry: boot, number, and a COPY row of four fields, ending in its newline.
                guard parts.count == 3, let n = Int(String(decoding: parts[1], as: UTF8.self)),
                    parts[2].count(where: { $0 == UInt8(ascii: "\t") }) == 3,
                    line.endIndex < data.endIndex
                else { continue }
                let boot = String(decoding: parts[0], as: UTF8.self)
                guard n > marks[boot, default: 0] else { continue }
                found.append(((file, boot, n), Array(parts[2]) + [UInt8(ascii: "\n")]))
                count += 1
            }
            waiting[file] = count
            deleteIfDone(file)
        }
        return found
    }

    /// After entries are recorded: segments with nothing left waiting, and not being written, are deleted.
    /// The caller serialises this with appends.
    func recorded(_ entries: [(file: String, boot: String, n: Int)]) {
        for entry in entries { waiting[entry.file, default: 1] -= 1 }
        for file in Set(entries.map(\.file)) { deleteIfDone(file) }
    }

    private func deleteIfDone(_ file: String) {
        guard waiting[file, default: 0] <= 0, file != self.file(segment.number) || segment.descriptor < 0 else { return }
        waiting[file] = nil
        unlink("\(folder)/\(file)")
    }
}
