import Foundation

/// Multinomial logistic regression over binary one-hot features, with L2 regularisation and sample weights,
/// fitted by L-BFGS. It minimises C·Σᵢ wᵢ·(−log pᵢ,yᵢ) + ½‖W‖² (intercepts not penalised): the objective of
/// scikit-learn's LogisticRegression with the lbfgs solver, whose class_weight="balanced" gives
/// wᵢ = n / (classes · n_yᵢ).
public struct LogisticRegression: Sendable {
    public let classCount: Int
    public let featureCount: Int
    /// classCount × featureCount, row by row.
    public let coefficients: [Double]
    public let intercepts: [Double]

    init(uncheckedClassCount classCount: Int, featureCount: Int, coefficients: [Double], intercepts: [Double]) {
        self.classCount = classCount
        self.featureCount = featureCount
        self.coefficients = coefficients
        self.intercepts = intercepts
    }

    /// A trained model read back (from its registered definition, say).
    public init(classCount: Int, featureCount: Int, coefficients: [Double], intercepts: [Double]) throws {
        guard coefficients.count == classCount * featureCount, intercepts.count == classCount else {
            throw ModelError(description: "a logistic regression of \(classCount) classes and \(featureCount) features needs \(classCount * featureCount) coefficients and \(classCount) intercepts, not \(coefficients.count) and \(intercepts.count)")
        }
        self.classCount = classCount
        self.featureCount = featureCount
        self.coefficients = coefficients
        self.intercepts = intercepts
    }

    /// Class probabilities for a row given by the indices of its features that are 1.
    public func probabilities(_ active: [Int]) -> [Double] {
        Self.softmax((0..<classCount).map { c in
            active.reduce(intercepts[c]) { $0 + coefficients[c * featureCount + $1] }
        })
    }

    static func softmax(_ scores: [Double]) -> [Double] {
        let top = scores.max() ?? 0
        let exps = scores.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    public static func fit(
        rows: [[Int]], labels: [Int], sampleWeights: [Double], classCount: Int, featureCount: Int, c: Double = 1
    ) -> LogisticRegression {
        let k = classCount, d = featureCount
        // Rows flattened once: the objective runs a few hundred times over every row.
        let offsets = rows.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let flat = rows.flatMap { $0 }
        func objective(_ x: [Double]) -> (Double, [Double]) {
            var loss = 0.0
            var gradient = [Double](repeating: 0, count: x.count)
            var scores = [Double](repeating: 0, count: k)
            x.withUnsafeBufferPointer { x in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    flat.withUnsafeBufferPointer { flat in
                        for row in 0..<labels.count {
                            let active = flat[offsets[row]..<offsets[row + 1]]
                            var top = -Double.infinity
                            for c in 0..<k {
                                var score = x[k * d + c]
                                for j in active { score += x[c * d + j] }
                                scores[c] = score
                                top = max(top, score)
                            }
                            var sum = 0.0
                            for c in 0..<k {
                                scores[c] = exp(scores[c] - top)
                                sum += scores[c]
                            }
                            let label = labels[row], w = sampleWeights[row]
                            loss -= w * log(max(scores[label] / sum, .leastNormalMagnitude))
                            for c in 0..<k {
                                let residual = w * (scores[c] / sum - (c == label ? 1 : 0))
                                for j in active { gradient[c * d + j] += residual }
                                gradient[k * d + c] += residual
                            }
                        }
                    }
                }
            }
            var penalty = 0.0
            for i in 0..<(k * d) {
                penalty += x[i] * x[i]
                gradient[i] = c * gradient[i] + x[i]
            }
            for i in (k * d)..<x.count { gradient[i] *= c }
            return (c * loss + 0.5 * penalty, gradient)
        }
        // scikit-learn stops when the largest gradient entry of the objective divided by Σw is under 1e-4.
        let solution = LBFGS.minimize(
            start: [Double](repeating: 0, count: k * d + k), gradientTolerance: 1e-4 * sampleWeights.reduce(0, +), objective)
        return LogisticRegression(
            uncheckedClassCount: k, featureCount: d, coefficients: Array(solution[0..<(k * d)]), intercepts: Array(solution[(k * d)...]))
    }
}

/// Limited-memory BFGS with a backtracking (Armijo) line search: enough for smooth convex objectives.
enum LBFGS {
    static func minimize(
        start: [Double], memory: Int = 10, maxIterations: Int = 1000, gradientTolerance: Double = 1e-5,
        _ function: ([Double]) -> (Double, [Double])
    ) -> [Double] {
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        var x = start
        var (value, gradient) = function(x)
        var steps: [[Double]] = [], changes: [[Double]] = []
        for _ in 0..<maxIterations {
            if gradient.map(abs).max() ?? 0 < gradientTolerance { break }
            // Two-loop recursion: direction = −H·gradient.
            var q = gradient
            var alphas: [Double] = []
            for (s, y) in zip(steps, changes).reversed() {
                let alpha = dot(s, q) / dot(y, s)
                alphas.append(alpha)
                for i in q.indices { q[i] -= alpha * y[i] }
            }
            if let s = steps.last, let y = changes.last {
                let scale = dot(s, y) / dot(y, y)
                for i in q.indices { q[i] *= scale }
            } else {
                let norm = sqrt(dot(q, q))
                for i in q.indices { q[i] /= max(norm, 1) }
            }
            for ((s, y), alpha) in zip(zip(steps, changes), alphas.reversed()) {
                let beta = dot(y, q) / dot(y, s)
                for i in q.indices { q[i] += s[i] * (alpha - beta) }
            }
            let direction = q.map { -$0 }
            let slope = dot(gradient, direction)
            guard slope < 0 else { break }
            var step = 1.0
            var candidate = x, next = (value, gradient)
            while step > 1e-12 {
                candidate = zip(x, direction).map { $0 + step * $1 }
                next = function(candidate)
                if next.0 <= value + 1e-4 * step * slope { break }
                step /= 2
            }
            let s = zip(candidate, x).map { $0 - $1 }
            let y = zip(next.1, gradient).map { $0 - $1 }
            let improvement = value - next.0
            x = candidate
            (value, gradient) = next
            if dot(s, y) > 1e-10 {
                steps.append(s)
                changes.append(y)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst() }
            }
            if improvement <= 1e-12 * max(abs(value), 1) { break }
        }
        return x
    }
}
