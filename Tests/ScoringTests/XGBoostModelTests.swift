import Foundation
@testable import Scoring
import TestSupport
import Testing

@Suite struct XGBoostModelTests {
    @Test func test_unknown_category_sets_no_column() throws {
        let encoder = try OneHotEncoder(
            featureNames: ["age", "sex_ Female", "sex_ Male", "education_ Children"], numeric: ["age"], categorical: ["sex", "education"])
        let (known, unknownKnown) = encoder.encode(["40", " Male", " Children"])
        #expect(known == [40, 0, 1, 1])
        #expect(!unknownKnown)
        let (odd, sawUnknown) = encoder.encode(["40", " Other", nil])
        #expect(odd == [40, 0, 0, 0])
        #expect(sawUnknown)
    }

    @Test func test_tree_walk_follows_splits_and_default_direction_for_missing() throws {
        // One tree: feature 0 < 1.5 → leaf -1, else leaf 2; missing goes right.
        let json = """
            {"learner":{"feature_names":["x"],"learner_model_param":{"base_score":"5E-1"},
             "objective":{"name":"binary:logistic"},
             "gradient_booster":{"model":{"trees":[{"id":0,"left_children":[1,-1,-1],"right_children":[2,-1,-1],
             "split_indices":[0,0,0],"split_conditions":[1.5,-1.0,2.0],"default_left":[0,0,0]}]}}}}
            """
        let model = try XGBoostModel(json: Data(json.utf8))
        #expect(abs(model.probability([1]) - 1 / (1 + exp(1.0))) < 1e-7)
        #expect(abs(model.probability([1.5]) - 1 / (1 + exp(-2.0))) < 1e-7)
        #expect(abs(model.probability([.nan]) - 1 / (1 + exp(-2.0))) < 1e-7)
        #expect(throws: ModelError.self) { try XGBoostModel(json: Data(json.replacingOccurrences(of: "binary:logistic", with: "reg:squarederror").utf8)) }
    }

    @Test func test_a_tree_that_loops_or_points_outside_is_malformed() throws {
        let tree = #"{"id":0,"left_children":LEFT,"right_children":[2,-1,-1],"split_indices":[0,0,0],"split_conditions":[1.5,-1.0,2.0],"default_left":[0,0,0]}"#
        for left in ["[0,-1,-1]", "[3,-1,-1]", "[1,2,-1]", "[1,-1]"] {
            let json = #"{"learner":{"feature_names":["x"],"learner_model_param":{"base_score":"5E-1"},"objective":{"name":"binary:logistic"},"gradient_booster":{"model":{"trees":["#
                + tree.replacingOccurrences(of: "LEFT", with: left) + "]}}}}"
            #expect(throws: ModelError.self, "left children \(left)") { try XGBoostModel(json: Data(json.utf8)) }
        }
    }

    /// One tree whose splits go right `depth` times, each left child a leaf.
    static func chain(depth: Int, split: String = "0.5") -> String {
        let count = 2 * depth + 1
        let left = (0..<count).map { $0 < depth ? String(depth + $0) : "-1" }
        let right = (0..<count).map { $0 < depth - 1 ? String($0 + 1) : $0 == depth - 1 ? String(2 * depth) : "-1" }
        let conditions = (0..<count).map { $0 == 0 ? split : "0.5" }
        return #"{"learner":{"feature_names":["x"],"learner_model_param":{"base_score":"5E-1"},"objective":{"name":"binary:logistic"},"gradient_booster":{"model":{"trees":[{"id":0,"left_children":["#
            + left.joined(separator: ",") + #"],"right_children":["# + right.joined(separator: ",")
            + #"],"split_indices":["# + Array(repeating: "0", count: count).joined(separator: ",")
            + #"],"split_conditions":["# + conditions.joined(separator: ",") + #"],"default_left":["#
            + Array(repeating: "0", count: count).joined(separator: ",") + "]}]}}}}"
    }

    @Test func test_a_deep_tree_is_walked_and_a_far_too_deep_one_refused() throws {
        // 100 splits deep: past the scorer's 64 leaves, walked, and the build never recurses along it.
        let deep = try XGBoostModel(json: Data(Self.chain(depth: 100).utf8))
        #expect(deep.quickScorer == nil)
        #expect(abs(deep.probability([1]) - 1 / (1 + exp(-0.5))) < 1e-7)
        let tooDeep = #expect(throws: ModelError.self) { try XGBoostModel(json: Data(Self.chain(depth: 200_000).utf8)) }
        #expect(tooDeep?.description == "tree 0 is 200000 splits deep, more than the 1024 pgpipe scores")
        let huge = #expect(throws: ModelError.self) { try XGBoostModel(json: Data(Self.chain(depth: 3, split: "1.797e308").utf8)) }
        #expect(huge?.description == "tree 0 node 0: split value 1.797e+308 does not fit a 32-bit float")
    }

    @Test func test_scoring_rows_in_blocks_equals_scoring_each_row() throws {
        let model = try XGBoostModel(json: Data(contentsOf: URL(fileURLWithPath: Repository.path("data/census/xgbc.json"))))
        let width = model.featureNames.count
        var generator = SystemRandomNumberGenerator()
        // 150 rows cross two block boundaries; ages, one-hot columns and missing values at random.
        let features: [Float] = (0..<150 * width).map { index in
            let roll = Int.random(in: 0..<20, using: &generator)
            return roll == 0 ? .nan : index % width == 0 ? Float(Int.random(in: 0...90, using: &generator)) : Float(roll % 2)
        }
        var blocks = [Double](repeating: -1, count: 150)
        features.withUnsafeBufferPointer { features in
            blocks.withUnsafeMutableBufferPointer { model.probabilities(of: features, into: $0) }
        }
        let rows = (0..<150).map { model.probability(Array(features[$0 * width..<($0 + 1) * width])) }
        #expect(blocks == rows)
    }

    /// The census model, and a copy whose missing values go either way at random (the model's own all go left).
    static func censusModels() throws -> [XGBoostModel] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("data/census/xgbc.json")))
        let text = String(decoding: data, as: UTF8.self)
        let flags = /"default_left":\[[a-z0-9, ]*\]/
        let mixed = text.replacing(flags) { match in
            let count = match.output.split(separator: ",").count
            return "\"default_left\":[" + (0..<count).map { _ in String(Bool.random()) }.joined(separator: ",") + "]"
        }
        #expect(mixed != text)
        return [try XGBoostModel(json: data), try XGBoostModel(json: Data(mixed.utf8))]
    }

    @Test func test_quick_scorer_equals_the_walk_bit_for_bit() throws {
        for model in try Self.censusModels() {
            #expect(model.quickScorer != nil, "the census trees have at most 64 leaves")
            let width = model.featureNames.count
            // Each feature's split values, to put rows exactly on, just below and just above them.
            var splits = [[Float]](repeating: [], count: width)
            for node in model.nodes where node.toRight != 0 { splits[Int(node.feature)].append(node.value) }
            var generator = SystemRandomNumberGenerator()
            let rows = 5_000
            let features: [Float] = (0..<rows * width).map { index in
                let column = splits[index % width]
                switch Int.random(in: 0..<8, using: &generator) {
                case 0: return .nan
                case 1: return [Float.infinity, -.infinity, -0.0, 0, 1].randomElement(using: &generator)!
                case 2...4 where !column.isEmpty:
                    let split = column.randomElement(using: &generator)!
                    return [split, split.nextUp, split.nextDown].randomElement(using: &generator)!
                default: return Float.random(in: -5...100, using: &generator)
                }
            }
            var quick = [Double](repeating: -1, count: rows), walked = [Double](repeating: -2, count: rows)
            features.withUnsafeBufferPointer { features in
                quick.withUnsafeMutableBufferPointer { model.probabilities(of: features, into: $0, walking: false) }
                walked.withUnsafeMutableBufferPointer { model.probabilities(of: features, into: $0, walking: true) }
            }
            let differing = quick.indices.filter { quick[$0] != walked[$0] }
            #expect(differing.isEmpty, "\(differing.count) of \(rows) rows differ, the first \(differing.first ?? 0)")
        }
    }

    @Test func test_a_tree_of_more_than_64_leaves_is_walked() throws {
        // A chain of 64 splits on x (x < 1 → leaf 1, else x < 2 → leaf 2, ...): 65 leaves.
        func chain(_ splits: Int) -> String {
            var left: [Int] = [], right: [Int] = [], conditions: [Float] = []
            for level in 0..<splits {  // node 2k splits, 2k + 1 is its left leaf, 2k + 2 the next split
                left += [2 * level + 1, -1]; right += [2 * level + 2, -1]; conditions += [Float(level + 1), Float(level + 1)]
            }
            left.append(-1); right.append(-1); conditions.append(Float(splits + 1))
            let count = left.count
            return """
                {"learner":{"feature_names":["x"],"learner_model_param":{"base_score":"5E-1"},"objective":{"name":"binary:logistic"},
                 "gradient_booster":{"model":{"trees":[{"id":0,"left_children":\(left),"right_children":\(right),
                 "split_indices":\(Array(repeating: 0, count: count)),"split_conditions":\(conditions),
                 "default_left":\((0..<count).map { $0 % 3 == 0 ? 1 : 0 })}]}}}}
                """
        }
        let fits = try XGBoostModel(json: Data(chain(63).utf8)), walked = try XGBoostModel(json: Data(chain(64).utf8))
        #expect(fits.quickScorer != nil)
        #expect(walked.quickScorer == nil)
        // Every leaf of the 64-leaf tree, reached both ways, including its last (bit 63) and a missing value.
        let values: [Float] = (0...65).flatMap { [Float($0), Float($0).nextDown, Float($0).nextUp] } + [.nan, .infinity, -.infinity]
        var quick = [Double](repeating: -1, count: values.count), walk = quick
        values.withUnsafeBufferPointer { values in
            quick.withUnsafeMutableBufferPointer { fits.probabilities(of: values, into: $0, walking: false) }
            walk.withUnsafeMutableBufferPointer { fits.probabilities(of: values, into: $0, walking: true) }
        }
        #expect(quick == walk)
        #expect(walked.probability([70]) > walked.probability([0.5]))
    }
}
