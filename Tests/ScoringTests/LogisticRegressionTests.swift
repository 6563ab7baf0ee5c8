@testable import Scoring
import Testing

@Suite struct LogisticRegressionTests {
    @Test func test_logistic_regression_separates_a_learnable_pattern() {
        // Feature 0 means class 0, feature 1 class 1, feature 2 class 2.
        let rows = (0..<300).map { [$0 % 3] }
        let labels = (0..<300).map { $0 % 3 }
        let model = LogisticRegression.fit(
            rows: rows, labels: labels, sampleWeights: Array(repeating: 1, count: 300), classCount: 3, featureCount: 3)
        for c in 0..<3 {
            let p = model.probabilities([c])
            #expect(p.indices.max { p[$0] < p[$1] } == c)
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        }
    }
}
