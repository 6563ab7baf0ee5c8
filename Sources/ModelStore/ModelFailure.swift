import Failures
import Scoring

/// A model that cannot be used or trained is a problem of its data (the file, the rows), not of the program.
extension ModelError: FailureDescribing {
    public var failure: Failure { .data }
}
