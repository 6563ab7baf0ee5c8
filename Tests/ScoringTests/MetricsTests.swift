import Foundation
@testable import Scoring
import Testing

@Suite struct MetricsTests {
    @Test func test_roc_auc_counts_ties_as_half() {
        // Positives at 0.8 and 0.4, negatives at 0.4 and 0.1: pairs (0.8>0.4, 0.8>0.1, 0.4=0.4, 0.4>0.1) → 3.5/4.
        #expect(ClassificationMetrics.rocAUC([0.8, 0.4, 0.4, 0.1], [true, true, false, false]) == 0.875)
        #expect(ClassificationMetrics.rocAUC([0.3, 0.2], [true, true]) == nil)
    }

    @Test func test_confusion_counts_and_rates_at_threshold() {
        let metrics = ClassificationMetrics(probabilities: [0.9, 0.5, 0.49, 0.1], actual: [true, false, true, false], threshold: 0.5)
        #expect((metrics.truePositives, metrics.falsePositives, metrics.trueNegatives, metrics.falseNegatives) == (1, 1, 1, 1))
        #expect(metrics.accuracy == 0.5 && metrics.precision == 0.5 && metrics.recall == 0.5 && metrics.f1 == 0.5)
        #expect(abs(metrics.brier - (0.01 + 0.25 + 0.2601 + 0.01) / 4) < 1e-12)
    }

    @Test func test_population_stability_index() {
        #expect(populationStabilityIndex(actual: ["a": 5, "b": 5], expected: ["a": 50, "b": 50]) == 0)
        // 0.6/0.4 against 0.5/0.5: (0.1)ln(1.2) + (-0.1)ln(0.8).
        let psi = populationStabilityIndex(actual: ["a": 6, "b": 4], expected: ["a": 5, "b": 5])
        #expect(abs(psi - (0.1 * log(1.2) - 0.1 * log(0.8))) < 1e-12)
        // A bucket the reference never had counts at the 0.0001 floor.
        let appeared = populationStabilityIndex(actual: ["a": 1, "c": 1], expected: ["a": 1])
        #expect(abs(appeared - ((0.5 - 1) * log(0.5) + (0.5 - 0.0001) * log(0.5 / 0.0001))) < 1e-12)
    }

    @Test func test_multiclass_metrics_match_hand_counts() {
        let metrics = MulticlassMetrics(
            actual: [0, 0, 1, 2, 2, 2],
            probabilities: [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2], [0.1, 0.1, 0.8]],
            classCount: 3)
        #expect(metrics.confusion == [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
        #expect(metrics.accuracy == 4.0 / 6)
        #expect(abs(metrics.balancedAccuracy - (0.5 + 1 + 2.0 / 3) / 3) < 1e-12)
        #expect(metrics.precision(1) == 0.5 && metrics.recall(2) == 2.0 / 3)
    }
}
