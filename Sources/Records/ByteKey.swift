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

    /// What sets and dictionaries hash a key with: the bytes eight at a time through splitmix64's mixer,
    /// seeded by the table's seed. For keys of a few to a few dozen bytes (a census load looks up 28 labels a
    /// record) SipHash's setup and finalisation, what `hash(into:)` costs, were a tenth of the load.
    public func _rawHashValue(seed: Int) -> Int {
        bytes.withUnsafeBytes { raw in
            var hash = UInt64(UInt(bitPattern: seed)) ^ UInt64(raw.count)
            var offset = 0
            while offset + 8 <= raw.count {
                hash = Self.mix(hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            if offset < raw.count {
                var tail: UInt64 = 0
                for index in offset..<raw.count { tail |= UInt64(raw[index]) << (8 * (index - offset)) }
                hash = Self.mix(hash ^ tail)
            }
            return Int(truncatingIfNeeded: Self.mix(hash))
        }
    }

    /// splitmix64's finaliser: every bit of `value` moves about half of the result's bits.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    public static func == (left: ByteKey, right: ByteKey) -> Bool {
        left.bytes.count == right.bytes.count && left.bytes.withUnsafeBytes { left in
            right.bytes.withUnsafeBytes { right in left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
        }
    }
}
