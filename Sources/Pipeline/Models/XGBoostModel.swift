import Foundation

/// Why a model file cannot be used.
public struct ModelError: Error, CustomStringConvertible {
    public let description: String
}

/// A gradient-boosted tree model in XGBoost's JSON format (`save_model("x.json")`), scored by walking its
/// trees the way XGBoost does: float32 features, `value < split` goes left, a missing value (NaN) follows
/// the node's default direction, leaf values summed in float32 onto the base margin, then the objective's
/// link function. Only `binary:logistic` is supported, which is what the census model uses.
public struct XGBoostModel: Sendable {
    struct Tree: Sendable {
        let left: [Int32]
        let right: [Int32]
        let feature: [Int32]
        let threshold: [Float]  // the split value, or the leaf value on a leaf
        let defaultLeft: [Bool]

        func leafValue(_ features: [Float]) -> Float {
            var node = 0
            while left[node] != -1 {
                let value = features[Int(feature[node])]
                let goLeft = value.isNaN ? defaultLeft[node] : value < threshold[node]
                node = Int(goLeft ? left[node] : right[node])
            }
            return threshold[node]
        }
    }

    public let featureNames: [String]
    public let objective: String
    let baseMargin: Float
    let trees: [Tree]

    public init(json data: Data) throws {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ModelError(description: "not an XGBoost JSON model: \(error)")
        }
        let learner = file.learner
        objective = learner.objective.name
        guard objective == "binary:logistic" else {
            throw ModelError(description: "objective \(objective) is not supported (binary:logistic is)")
        }
        guard let baseScore = Float(learner.learner_model_param.base_score), baseScore > 0, baseScore < 1 else {
            throw ModelError(description: "base_score \(learner.learner_model_param.base_score) is not a probability")
        }
        // base_score is a probability; trees add to its logit.
        baseMargin = -log(1 / baseScore - 1)
        featureNames = learner.feature_names
        trees = try learner.gradient_booster.model.trees.map { tree in
            let count = tree.left_children.count
            guard [tree.right_children.count, tree.split_indices.count, tree.split_conditions.count, tree.default_left.count]
                .allSatisfy({ $0 == count }),
                tree.split_indices.allSatisfy({ $0 >= 0 && Int($0) < learner.feature_names.count }),
                (tree.left_children + tree.right_children).allSatisfy({ $0 == -1 || (0..<Int32(count)).contains($0) })
            else { throw ModelError(description: "tree \(tree.id) is malformed") }
            return Tree(
                left: tree.left_children, right: tree.right_children, feature: tree.split_indices,
                threshold: tree.split_conditions, defaultLeft: tree.default_left.map { $0 != 0 })
        }
    }

    /// The probability of the positive class for one row of features, in `featureNames` order.
    public func probability(_ features: [Float]) -> Double {
        var margin: Float = 0
        for tree in trees { margin += tree.leafValue(features) }
        margin += baseMargin
        return Double(1 / (1 + exp(-margin)))
    }

    // The parts of the JSON format the scorer reads.
    private struct File: Decodable {
        let learner: Learner
    }

    private struct Learner: Decodable {
        let feature_names: [String]
        let learner_model_param: ModelParam
        let objective: Objective
        let gradient_booster: Booster
    }

    private struct ModelParam: Decodable { let base_score: String }
    private struct Objective: Decodable { let name: String }
    private struct Booster: Decodable { let model: Model }
    private struct Model: Decodable { let trees: [TreeJSON] }

    private struct TreeJSON: Decodable {
        let id: Int
        let left_children: [Int32]
        let right_children: [Int32]
        let split_indices: [Int32]
        let split_conditions: [Float]
        let default_left: [Int]

        enum CodingKeys: String, CodingKey {
            case id, left_children, right_children, split_indices, split_conditions, default_left
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(Int.self, forKey: .id)
            left_children = try container.decode([Int32].self, forKey: .left_children)
            right_children = try container.decode([Int32].self, forKey: .right_children)
            split_indices = try container.decode([Int32].self, forKey: .split_indices)
            split_conditions = try container.decode([Float].self, forKey: .split_conditions)
            // Older files write default_left as booleans, newer ones as 0/1.
            if let flags = try? container.decode([Int].self, forKey: .default_left) {
                default_left = flags
            } else {
                default_left = try container.decode([Bool].self, forKey: .default_left).map { $0 ? 1 : 0 }
            }
        }
    }
}
