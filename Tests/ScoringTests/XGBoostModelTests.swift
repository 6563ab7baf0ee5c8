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
}
