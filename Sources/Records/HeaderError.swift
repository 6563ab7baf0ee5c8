import Failures

/// A header that cannot be used; the load stops before any row.
public struct HeaderError: FailureDescribing {
    public let path: String
    public let reason: String
    public var failure: Failure { .data }
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
