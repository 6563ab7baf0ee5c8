import Records

/// Labels (a category column's, a reference's keys), each with an id, found by the label's bytes.
///
/// A census record looks up 28 labels; as a dictionary keyed by a slice of the record, each lookup cost a
/// slice (retained and released), a hash through the dictionary's protocols and a `String` id to append. Here
/// the labels are one buffer and the ids integers, and a lookup is a hash of the label's length and its first and last
/// eight bytes, a probe of a small open-addressing table and a comparison a word at a time (`equals`).
struct LabelTable {
    /// The labels' bytes, one after another.
    private var bytes: [UInt8] = []
    private var entries: [(label: Range<Int>, id: Int)] = []
    /// Entry index + 1 by hash, 0 where empty; a power of two, at least twice the entries.
    private var slots = [Int32](repeating: 0, count: 16)

    var count: Int { entries.count }

    /// The id of `label`, nil when it is not known.
    func id(of label: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(label)) & mask
        return bytes.withUnsafeBufferPointer { bytes in
            while true {
                let stored = Int(slots[slot])
                if stored == 0 { return nil }
                let range = entries[stored - 1].label
                if UnsafeBufferPointer(rebasing: bytes[range]).equals(label) {
                    return entries[stored - 1].id
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Adds `label` with `id`; the label must not be known yet.
    mutating func insert(_ label: UnsafeBufferPointer<UInt8>, id: Int) {
        let start = bytes.count
        bytes.append(contentsOf: label)
        entries.append((start..<bytes.count, id))
        if entries.count * 2 > slots.count {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            for entry in entries.indices { place(entry) }
        } else {
            place(entries.count - 1)
        }
    }

    private mutating func place(_ entry: Int) {
        let range = entries[entry].label
        let hash = bytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[range])) }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    /// The length and the first and last eight bytes (all of a shorter label), mixed as `ByteKey` mixes.
    @inline(__always)
    static func hash(_ label: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = UInt64(label.count) &* 0x9E37_79B9_7F4A_7C15
        if label.count >= 8 {
            let raw = UnsafeRawBufferPointer(label)
            hash ^= raw.loadUnaligned(as: UInt64.self)
            hash = ByteKey.mix(hash) ^ raw.loadUnaligned(fromByteOffset: label.count - 8, as: UInt64.self)
        } else {
            var tail: UInt64 = 0
            for byte in label { tail = tail << 8 | UInt64(byte) }
            hash ^= tail
        }
        return ByteKey.mix(hash)
    }
}
