import ArgumentParser
import CommandSupport
import Failures
import Formats
import Records
import Validation

/// Cuts a census file into daily files, as operations would deliver them: a month of days from the sample.
struct CensusSplit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census-split",
        abstract: "Cut a census file into daily files FOLDER/YYYY-MM-DD.csv, one per day from --first-day, each line to one day.",
        discussion: """
            Line n of the file (counting from 1) goes to day splitmix64(seed + n) mod days, where splitmix64 is \
            the SplitMix64 generator's output function (Steele, Lea and Flood, 2014); each day keeps its lines \
            in file order. So the same file, seed and days give the same files, in any language. Lines are \
            copied byte for byte (a record with a line break inside quotes would be cut: census files have none). \
            Existing day files are left as they are unless --replace is given.
            """)

    @Argument(help: "The census file to cut.")
    var file = "data/census/census_income_sample.csv"

    @Option(help: "The first day, YYYY-MM-DD.", transform: CalendarDate.argument)
    var firstDay = CalendarDate(year: 2026, month: 10, day: 26)!

    @Option(help: "How many consecutive days.")
    var days = 28

    @Option(help: "The seed of the assignment of lines to days.")
    var seed: UInt64 = 2026

    @Option(help: "The folder the daily files are written to.")
    var output = "data/census/incoming"

    @Flag(help: "Write a day file that exists already (the tool's own, from an earlier split).")
    var replace = false

    func validate() throws {
        guard (1...366).contains(days) else { throw ValidationError("--days must be 1 to 366") }
        guard let last = firstDay.adding(days: days - 1) else { throw ValidationError("--first-day \(firstDay) and --days \(days) run past 9999-12-31") }
        // The days must be batch dates `ingest census` takes.
        try BatchDateWindow.check(firstDay, option: "--first-day", allowAny: false)
        try BatchDateWindow.check(last, option: "the last day", allowAny: false)
    }

    func run() throws {
        try exitingWithStatus("ingest") {
            let input = try FileInput(path: file)
            try OutputFile.makeDirectory(output)
            let dates = (0..<days).map { firstDay.adding(days: $0)! }
            let paths = dates.map { "\(output)/\($0).csv" }
            if !replace, let existing = paths.first(where: { FileKind.at($0, followingLinks: false) != nil }) {
                throw OutputError(path: existing, reason: "exists; it is left as it is (give --replace to write the days again)")
            }
            let files = try paths.map { try OutputFile(path: $0, protecting: [input.identity]) }
            do {
                var buffers = Array(repeating: [UInt8](), count: days), counts = Array(repeating: 0, count: days)
                var line: [UInt8] = [], number = 0
                func deal() throws {
                    number += 1
                    let day = Int(Self.splitmix64(seed &+ UInt64(number)) % UInt64(days))
                    buffers[day] += line
                    counts[day] += 1
                    line.removeAll(keepingCapacity: true)
                    if buffers[day].count >= 1 << 16 {
                        try files[day].write(buffers[day])
                        buffers[day].removeAll(keepingCapacity: true)
                    }
                }
                // A line ends at LF, CRLF or a lone CR, as the loader reads them.
                while let byte = try input.next() {
                    line.append(byte)
                    if byte == UInt8(ascii: "\r"), try input.peek() == UInt8(ascii: "\n") { continue }
                    if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { try deal() }
                }
                if !line.isEmpty { try deal() }
                // An empty day would load as an empty batch: refuse rather than write one.
                if let empty = counts.firstIndex(of: 0) {
                    throw DataError(path: file, reason: "\(number) lines for \(days) days leave \(dates[empty]) empty; give fewer --days")
                }
                for (file, buffer) in zip(files, buffers) {
                    try file.write(buffer)
                    try file.commit()
                }
                let others = LoadAll.censusDays(in: output).files.filter { !dates.contains($0.date) }
                if let first = others.first {
                    print("note: \(others.count) other day file(s) in \(output) are not from this split (\(first.name) and on); `ingest all` loads them too")
                }
                print("\(number) lines of \(file) → \(days) days, \(dates[0]) to \(dates[days - 1]), \(counts.min()!)–\(counts.max()!) lines a day, in \(output)")
            } catch {
                files.forEach { $0.discard() }
                throw error
            }
            return 0
        }
    }

    /// SplitMix64's output function: a well-mixed 64-bit value for each input.
    static func splitmix64(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
