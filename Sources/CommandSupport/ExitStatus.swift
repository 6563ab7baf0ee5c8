import Failures
import Postgres

/// The sysexits status of an error, by what failed, shared by every command, so scripts (and Airflow) can
/// tell a bad file from an unreachable database.
public enum ExitStatus {
    public static let usage: Int32 = 64        // EX_USAGE
    public static let dataError: Int32 = 65    // EX_DATAERR: rows rejected, a bad header, a malformed model
    public static let noInput: Int32 = 66      // EX_NOINPUT: an input file missing or unreadable
    public static let unavailable: Int32 = 69  // EX_UNAVAILABLE: the database (or an endpoint sent to) cannot be reached
    public static let software: Int32 = 70     // EX_SOFTWARE: a bug or an unexpected server error
    public static let cannotCreate: Int32 = 73 // EX_CANTCREAT: an output file cannot be written
    public static let temporaryFailure: Int32 = 75 // EX_TEMPFAIL: loads held the data past the wait; try again
    public static let remote: Int32 = 76       // EX_PROTOCOL: an endpoint refused what was sent
    public static let noPermission: Int32 = 77 // EX_NOPERM: the role may not do what was asked
    public static let config: Int32 = 78       // EX_CONFIG: migrations or the SQL folder do not match the database

    /// Every status the commands exit with, and what it says of any command. docs/commands.md says which
    /// failure of which command gives it; a test holds its table to this one.
    public static let all: [(status: Int32, meaning: String)] = [
        (0, "done"),
        (usage, "bad usage"),
        (dataError, "the input's content is wrong (rows rejected, a bad header, an unusable model)"),
        (noInput, "an input is missing or unreadable"),
        (unavailable, "the database or an endpoint cannot be reached"),
        (software, "anything else"),
        (cannotCreate, "an output cannot or must not be written"),
        (temporaryFailure, "other work held the data too long: try again"),
        (remote, "an endpoint refused what was sent"),
        (noPermission, "authentication failed or the role may not do that"),
        (config, "a setting, the password file or the database's schema is wrong"),
    ]

    /// The statuses for a command's help, with where the details are.
    public static var help: String {
        "Exit status: " + all.map { "\($0.status) \($0.meaning)" }.joined(separator: "; ")
            + ". Which failure gives which: docs/commands.md, Exit status."
    }

    /// The error's one-line message, with a pointer to the likely cause where the server's words alone
    /// would leave a person guessing.
    public static func explain(_ error: Error) -> String {
        if let error = error as? PostgresError, ["42P01", "3F000"].contains(error.sqlState) {
            return "\(error); has `ingest` created and loaded the schema?"
        }
        return "\(error)"
    }

    public static func of(_ error: Error) -> Int32 {
        switch error {
        case let error as TransactionError:
            return of(error.primary)
        case let error as FailureDescribing:
            return of(error.failure)
        case let error as PostgresError where error.kind == .connection:
            return unavailable
        case let error as PostgresError where error.kind == .authentication:
            return noPermission
        case let error as PostgresError where error.kind == .configuration:
            return config
        case let error as PostgresError where error.sqlState == "42501":
            return noPermission
        // A schema or table the product's SQL names is missing: a database ingest has not migrated.
        case let error as PostgresError where ["42P01", "3F000"].contains(error.sqlState):
            return config
        // data_exception itself (not one of its subclasses, which the server raises): the product's SQL
        // refusing input that cannot be loaded as it stands (a wind delivery spanning years).
        case let error as PostgresError where error.sqlState == "22000":
            return dataError
        default:
            return software
        }
    }

    public static func of(_ failure: Failure) -> Int32 {
        switch failure {
        case .usage: usage
        case .data: dataError
        case .input: noInput
        case .output: cannotCreate
        case .configuration: config
        case .temporary: temporaryFailure
        case .unavailable: unavailable
        case .remote: remote
        }
    }
}
