import Foundation

/// The population stability index of a distribution against a reference one, over the same buckets:
/// Σ (actual − expected) · ln(actual / expected), with empty buckets given a share of 0.0001 so that a
/// bucket that appears or vanishes counts heavily instead of infinitely.
public func populationStabilityIndex(actual: [String: Int], expected: [String: Int]) -> Double {
    let actualTotal = Double(actual.values.reduce(0, +)), expectedTotal = Double(expected.values.reduce(0, +))
    guard actualTotal > 0, expectedTotal > 0 else { return 0 }
    let floor = 0.0001
    // Sorted buckets: the same counts give the same sum, to the last bit, whatever the hash seed.
    return Set(actual.keys).union(expected.keys).sorted().reduce(0.0) { sum, bucket in
        let a = max(Double(actual[bucket] ?? 0) / actualTotal, floor)
        let e = max(Double(expected[bucket] ?? 0) / expectedTotal, floor)
        return sum + (a - e) * log(a / e)
    }
}
