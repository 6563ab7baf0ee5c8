/// An input file (or folder) that could not be read: missing, not a regular file, unreadable.
public struct InputError: FailureDescribing {
    public let path: String
    public let reason: String
    public var failure: Failure { .input }
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// A file that could not be written or put in place.
public struct OutputError: FailureDescribing {
    public let path: String
    public let reason: String
    public var failure: Failure { .output }
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}


/// A setting the command was given names something unusable: a secret file that is missing, a connection
/// option libpq refuses.
public struct ConfigurationError: FailureDescribing {
    public let reason: String
    public var failure: Failure { .configuration }
    public var description: String { reason }

    public init(_ reason: String) {
        self.reason = reason
    }
}

/// A file whose content cannot be used as it is (empty where records are needed, say).
public struct DataError: FailureDescribing {
    public let path: String
    public let reason: String
    public var failure: Failure { .data }
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// The command was asked for something it cannot do, found once a file it names was read (a `--batch` for a
/// contract that is not loaded by partition).
public struct UsageError: FailureDescribing {
    public let reason: String
    public var failure: Failure { .usage }
    public var description: String { reason }

    public init(_ reason: String) {
        self.reason = reason
    }
}
