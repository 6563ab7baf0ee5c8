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

