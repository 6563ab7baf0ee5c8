import Foundation

/// Bytes as a set or dictionary key, hashed a whole run at a time: an array's own hashing feeds the hasher
/// one byte per call, which was a tenth of a census load's instructions (a label looked up per category field).
public struct ByteKey: Hashable, Sendable {
    public let bytes: ArraySlice<UInt8>

    /// A key over `bytes` as they are: to look one up. A key that is kept should own its bytes
    /// (`init(copying:)`): a slice of a record's buffer would keep the whole buffer alive.
    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    public init(copying bytes: ArraySlice<UInt8>) {
        self.bytes = ArraySlice(Array(bytes))
    }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (left: ByteKey, right: ByteKey) -> Bool {
        left.bytes.count == right.bytes.count && left.bytes.withUnsafeBytes { left in
            right.bytes.withUnsafeBytes { right in left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
        }
    }
}
