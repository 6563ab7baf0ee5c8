import ArgumentParser
import Failures
import Foundation
import Logging
import Postgres

/// The options every service command shares: where the database is and how much to log.
public struct ConnectionOptions: ParsableArguments {
    @Option(help: "A postgresql:// URL. Default: DATABASE_URL, else libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE.")
    public var databaseURL: String?

    @Option(help: "How much to log on standard error.")
    public var logLevel: Logger.Level = .info

    public init() {}

    public func connect() throws -> Connection {
        try Connection(PostgresConfiguration.resolve(url: databaseURL, environment: ProcessInfo.processInfo.environment))
    }

    /// Logs to standard error, leaving standard output to the command's result.
    public func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { OneLineLogHandler(StreamLogHandler.standardError(label: $0)) }
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Runs a command's body: an error becomes one line on standard error (`ingest: error: ...`) and the
/// sysexits status `ExitStatus.of` gives it; a non-zero status from the body is the exit status too.
public func exitingWithStatus(_ command: String, _ body: () throws -> Int32) throws {
    let status: Int32
    do {
        status = try body()
    } catch {
        FileHandle.standardError.write(Data("\(command): error: \(ExitStatus.explain(error).escapingControlCharacters)\n".utf8))
        status = ExitStatus.of(error)
    }
    if status != 0 { throw ExitCode(status) }
}

/// Writes each message as one line, its control characters escaped: a message quoting a file's header or a
/// path can neither break the line nor send terminal codes.
struct OneLineLogHandler: LogHandler {
    private var inner: StreamLogHandler

    init(_ inner: StreamLogHandler) {
        self.inner = inner
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(event.message.description.escapingControlCharacters)"
        inner.log(event: event)
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
}
