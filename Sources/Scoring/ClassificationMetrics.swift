import Foundation

/// Binary classification metrics at a threshold, computed as scikit-learn computes them (accuracy_score,
/// precision/recall/f1_score, roc_auc_score, log_loss, brier_score_loss, confusion_matrix).
public struct ClassificationMetrics: Sendable, Equatable {
    public let rows: Int
    public let actualPositiveRate: Double
    public let predictedPositiveRate: Double
    public let accuracy: Double
    public let precision: Double
    public let recall: Double
    public let f1: Double
    /// nil when the batch holds only one class, as the area is undefined then.
    public let rocAUC: Double?
    public let logLoss: Double
    public let brier: Double
    public let truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int

    public init(probabilities: [Double], actual: [Bool], threshold: Double) {
        precondition(probabilities.count == actual.count && !actual.isEmpty)
        let n = Double(actual.count)
        var tp = 0, fp = 0, tn = 0, fn = 0
        var logLoss = 0.0, brier = 0.0
        let eps = Double.ulpOfOne  // log_loss clips to the dtype's eps
        for (p, y) in zip(probabilities, actual) {
            switch (p >= threshold, y) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
            let clipped = min(max(p, eps), 1 - eps)
            logLoss -= y ? log(clipped) : log(1 - clipped)
            brier += (p - (y ? 1 : 0)) * (p - (y ? 1 : 0))
        }
        rows = actual.count
        actualPositiveRate = Double(tp + fn) / n
        predictedPositiveRate = Double(tp + fp) / n
        accuracy = Double(tp + tn) / n
        // scikit-learn's zero_division=0: an undefined ratio counts as 0.
        precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
        recall = tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn)
        f1 = 2 * tp + fp + fn == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
        rocAUC = Self.rocAUC(probabilities, actual)
        self.logLoss = logLoss / n
        self.brier = brier / n
        (truePositives, falsePositives, trueNegatives, falseNegatives) = (tp, fp, tn, fn)
    }

    /// The Mann-Whitney form of the area under the ROC curve: the chance a random positive scores above a
    /// random negative, ties counting half (mid-ranks), which equals the trapezoid area scikit-learn computes.
    static func rocAUC(_ probabilities: [Double], _ actual: [Bool]) -> Double? {
        let positives = actual.filter { $0 }.count, negatives = actual.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, probabilities[order[end + 1]] == probabilities[order[start]] { end += 1 }
            let midRank = Double(start + end) / 2 + 1
            for index in order[start...end] where actual[index] { rankSum += midRank }
            start = end + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }
}
