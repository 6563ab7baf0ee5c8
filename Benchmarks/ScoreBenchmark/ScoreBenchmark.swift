// The Swift scorer alone (QuickScorer, XGBoostModel.probabilities), on exactly the float32 feature matrix xgboost scores in scripts/bench (written
// by scripts/bench.d/xgboost_predict.py), so the two are compared like for like: no parsing, no database.
//
// usage: score-benchmark MODEL.json FEATURES.f32 PREDICTIONS.f32
// prints: rows, best-of-3 seconds on one thread, best-of-3 seconds on every core, and the largest
// difference from xgboost's own predictions.
import Dispatch
import Foundation
import Scoring

@main
enum ScoreBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 4 else {
            FileHandle.standardError.write(Data("usage: score-benchmark MODEL.json FEATURES.f32 PREDICTIONS.f32\n".utf8))
            exit(64)
        }
        let model = try XGBoostModel(json: Data(contentsOf: URL(fileURLWithPath: arguments[1])))
        let width = model.featureNames.count
        let features = try floats(arguments[2])
        let expected = try floats(arguments[3])
        let rows = features.count / width
        guard rows * width == features.count, expected.count == rows else {
            FileHandle.standardError.write(Data("score-benchmark: the matrix does not match the model's \(width) features\n".utf8))
            exit(65)
        }
        var probabilities = [Double](repeating: 0, count: rows)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let single = best {
            probabilities.withUnsafeMutableBufferPointer { score(model, features, width, 0..<rows, into: $0) }
        }
        let parallel = best {
            probabilities.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let out = buffer
                let chunk = (rows + cores - 1) / cores
                DispatchQueue.concurrentPerform(iterations: cores) { part in
                    score(model, features, width, part * chunk..<min(rows, (part + 1) * chunk), into: out)
                }
            }
        }
        let difference = zip(probabilities, expected).map { abs($0 - Double($1)) }.max() ?? 0
        print(rows, single, parallel, difference)
    }

    static func floats(_ path: String) throws -> [Float] {
        try Data(contentsOf: URL(fileURLWithPath: path)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    static func score(
        _ model: XGBoostModel, _ features: [Float], _ width: Int, _ rows: Range<Int>, into out: UnsafeMutableBufferPointer<Double>
    ) {
        features.withUnsafeBufferPointer { all in
            model.probabilities(
                of: UnsafeBufferPointer(rebasing: all[rows.lowerBound * width..<rows.upperBound * width]),
                into: UnsafeMutableBufferPointer(rebasing: out[rows]))
        }
    }

    /// The best of three runs, in seconds.
    static func best(_ body: () -> Void) -> Double {
        (0..<3).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }.min()!
    }
}
