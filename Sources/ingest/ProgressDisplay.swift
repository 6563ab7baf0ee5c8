import Foundation
import Ingestion
import Logging

/// Shows a load's progress: on a terminal, a bar redrawn in place with rows, bytes and rows/s; otherwise
/// a log line every few seconds, so container logs show a long load moving.
final class ProgressDisplay: LoadProgress {
    enum Style: Sendable {
        case bar
        case logLines(every: Double)
    }

    private let style: Style
    private let logger: Logger
    private var input = ""
    private var started = Date()
    private var lastShown = Date.distantPast
    private var shownAnything = false

    init(style: Style, logger: Logger) {
        self.style = style
        self.logger = logger
    }

    /// A bar when standard error is a terminal, log lines every 5 seconds when not.
    static func automatic(logger: Logger) -> ProgressDisplay {
        ProgressDisplay(style: isatty(STDERR_FILENO) == 1 ? .bar : .logLines(every: 5), logger: logger)
    }

    /// Called once per row; draws at most a few times a second.
    func update(input: String, rows: Int, bytes: Int, totalBytes: Int) {
        if input != self.input {
            // Rates are per input file.
            self.input = input
            started = Date()
        }
        guard rows % 1024 == 0 else { return }
        show(input: input, rows: rows, bytes: bytes, totalBytes: totalBytes, final: false)
    }

    func finish(input: String, rows: Int, bytes: Int, totalBytes: Int) {
        show(input: input, rows: rows, bytes: bytes, totalBytes: totalBytes, final: true)
    }

    private func show(input: String, rows: Int, bytes: Int, totalBytes: Int, final: Bool) {
        let now = Date()
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Int(Double(rows) / elapsed)
        let mib = String(format: "%.1f", Double(bytes) / 1_048_576)
        switch style {
        case .bar:
            guard final || now.timeIntervalSince(lastShown) >= 0.2 else { return }
            let fraction = totalBytes > 0 ? min(Double(bytes) / Double(totalBytes), 1) : 1
            let filled = Int(fraction * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
            let text = "\r\(input) [\(bar)] \(Int(fraction * 100))% \(rows) rows \(mib) MiB \(rate) rows/s"
            FileHandle.standardError.write(Data((text + (final ? "\n" : "")).utf8))
        case .logLines(let every):
            guard !final, now.timeIntervalSince(lastShown) >= every else { return }
            if !shownAnything { shownAnything = true; lastShown = now; return }
            logger.info("\(input): \(rows) rows, \(mib) MiB of \(totalBytes / 1_048_576) MiB, \(rate) rows/s")
        }
        lastShown = now
    }
}
