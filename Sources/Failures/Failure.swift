/// What failed, as every module's errors say it, so that one place (CommandSupport's exit statuses) can
/// turn it into a command's exit status without knowing each error type.
public enum Failure: Sendable, Equatable, CaseIterable {
    /// The command was asked for something it cannot do (an unknown report, a bad argument).
    case usage
    /// The input's content is wrong: rows rejected, a bad header, a malformed model file.
    case data
    /// An input file is missing or cannot be read.
    case input
    /// An output file cannot be created or replaced.
    case output
    /// The database, or a folder the tool needs, does not match what it expects (a missing migration).
    case configuration
    /// Something else is in the way for now (a load holding the data past the wait): try again later.
    case temporary
    /// A service the command sends to did not answer or kept failing (an ingestion endpoint down).
    case unavailable
    /// A service the command sends to refused the request as it stands.
    case remote
}

/// An error that says what failed.
public protocol FailureDescribing: Error, CustomStringConvertible {
    var failure: Failure { get }
}
