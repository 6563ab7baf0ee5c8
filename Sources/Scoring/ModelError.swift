/// Why a model cannot be used or trained: a malformed model file, a feature it lacks, no data to train on.
public struct ModelError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}
