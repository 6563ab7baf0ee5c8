import Foundation

/// Multiclass metrics as scikit-learn computes them: accuracy, balanced accuracy (mean recall), macro F1,
/// per-class precision and recall (0 where undefined), log loss (probabilities clipped to machine epsilon)
/// and the confusion matrix (rows actual, columns predicted).
public struct MulticlassMetrics: Sendable {
    public let classCount: Int
    public let confusion: [[Int]]
    public let logLoss: Double

    public init(actual: [Int], probabilities: [[Double]], classCount: Int) {
        self.classCount = classCount
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        var loss = 0.0
        for (label, p) in zip(actual, probabilities) {
            let predicted = p.indices.max { p[$0] < p[$1] }!
            confusion[label][predicted] += 1
            loss -= log(min(max(p[label], Double.ulpOfOne), 1 - Double.ulpOfOne))
        }
        self.confusion = confusion
        logLoss = loss / Double(actual.count)
    }

    public var total: Int { confusion.joined().reduce(0, +) }
    public var accuracy: Double { Double((0..<classCount).reduce(0) { $0 + confusion[$1][$1] }) / Double(total) }

    public func precision(_ c: Int) -> Double {
        let predicted = (0..<classCount).reduce(0) { $0 + confusion[$1][c] }
        return predicted == 0 ? 0 : Double(confusion[c][c]) / Double(predicted)
    }

    public func recall(_ c: Int) -> Double {
        let actual = confusion[c].reduce(0, +)
        return actual == 0 ? 0 : Double(confusion[c][c]) / Double(actual)
    }

    public func f1(_ c: Int) -> Double {
        let p = precision(c), r = recall(c)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    /// Mean recall over the classes that occur.
    public var balancedAccuracy: Double {
        let present = (0..<classCount).filter { confusion[$0].reduce(0, +) > 0 }
        return present.map(recall).reduce(0, +) / Double(present.count)
    }

    public var macroF1: Double { (0..<classCount).map(f1).reduce(0, +) / Double(classCount) }
}
