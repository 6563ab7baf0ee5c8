import Records
import Testing

@Suite struct ByteKeyTests {
    /// Keys are the bytes of a slice wherever it lies: equal bytes at any offset of any array are one key, and
    /// every length around the 8-byte words the hash reads, the empty key included, finds itself and no other.
    @Test func test_equal_bytes_are_one_key_wherever_they_lie() {
        let text = Array("Not in universe or children, Married-civilian spouse present".utf8)
        var keys: [ByteKey: Int] = [:]
        for length in 0...20 {
            keys[ByteKey(copying: text[0..<length])] = length
        }
        #expect(keys.count == 21)
        let padded = [0xFF, 0x00, 0x7F] + text
        for length in 0...20 {
            #expect(keys[ByteKey(padded[3..<(3 + length)])] == length)
            #expect(ByteKey(padded[3..<(3 + length)]).hashValue == ByteKey(copying: text[0..<length]).hashValue)
        }
        #expect(keys[ByteKey(Array("Not in universe!".utf8)[...])] == nil)
        #expect(keys[ByteKey(padded[0..<3])] == nil)
    }
}
