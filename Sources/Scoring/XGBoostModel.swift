import Foundation

/// A gradient-boosted tree model in XGBoost's JSON format (`save_model("x.json")`), scored by walking its
/// trees the way XGBoost does: float32 features, `value < split` goes left, a missing value (NaN) follows
/// the node's default direction, leaf values summed in float32 onto the base margin, then the objective's
/// link function. Only `binary:logistic` is supported, which is what the census model uses. Where the trees allow
/// it (up to 64 leaves each), the leaf values are found by `QuickScorer` instead of the walk, with the same sums.
public struct XGBoostModel: Sendable {
    /// One node of any tree. All trees live in one contiguous array, children as absolute indices; a leaf is
    /// its own left and right child, so every walk through a tree takes exactly its depth in steps.
    struct Node: Sendable {
        let left: Int32
        /// right - left, so the walk computes its next node instead of branching.
        let toRight: Int32
        let feature: Int32
        let value: Float  // the split value, or the leaf value on a leaf
    }

    public let featureNames: [String]
    public let objective: String
    let baseMargin: Float
    let nodes: [Node]
    /// Where a missing value (NaN) goes at each node; apart from `nodes` since it is rarely needed, which
    /// keeps a node at 16 bytes.
    let defaultLeft: [Bool]
    /// Where each tree starts in `nodes`, in the model's order (the order its leaf values are summed).
    let roots: [Int32]
    /// How many steps lead from each tree's root to its deepest leaf.
    let depths: [Int32]
    /// The trees' leaf values found without walking them; nil (the walk) for trees it cannot take.
    let quickScorer: QuickScorer?

    /// The deepest tree and the most nodes a model may have: far past any model XGBoost trains for tabular data,
    /// and short of one whose walk or build would take a stack or the memory of the process.
    public static let maximumDepth = 1024
    public static let maximumNodes = 10_000_000

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
        var nodes: [Node] = [], defaultLeft: [Bool] = [], roots: [Int32] = [], depths: [Int32] = []
        for tree in learner.gradient_booster.model.trees {
            let count = tree.left_children.count
            if let (node, value) = tree.split_conditions.enumerated().first(where: { !Float($0.element).isFinite && $0.element.isFinite }) {
                throw ModelError(description: "tree \(tree.id) node \(node): split value \(value) does not fit a 32-bit float")
            }
            guard nodes.count + count <= Self.maximumNodes else {
                throw ModelError(description: "the trees have more than \(Self.maximumNodes) nodes, more than pgpipe scores")
            }
            // XGBoost numbers children after their parent; requiring it also rules out cycles.
            guard count > 0,
                [tree.right_children.count, tree.split_indices.count, tree.split_conditions.count, tree.default_left.count]
                    .allSatisfy({ $0 == count }),
                tree.split_indices.allSatisfy({ $0 >= 0 && Int($0) < learner.feature_names.count }),
                (0..<count).allSatisfy({ node in
                    let (left, right) = (Int(tree.left_children[node]), Int(tree.right_children[node]))
                    return left == -1 ? right == -1 : (node < left && left < count && node < right && right < count)
                })
            else { throw ModelError(description: "tree \(tree.id) is malformed") }
            let base = Int32(nodes.count)
            roots.append(base)
            var depth = [Int32](repeating: 0, count: count)  // children come after parents: one pass
            for node in 0..<count {
                let leaf = tree.left_children[node] == -1
                if !leaf { for child in [tree.left_children[node], tree.right_children[node]] { depth[Int(child)] = depth[node] + 1 } }
                nodes.append(Node(
                    left: base + (leaf ? Int32(node) : tree.left_children[node]),
                    toRight: leaf ? 0 : tree.right_children[node] - tree.left_children[node],
                    feature: tree.split_indices[node], value: Float(tree.split_conditions[node])))
                defaultLeft.append(tree.default_left[node] != 0)
            }
            let deepest = depth.max() ?? 0
            guard deepest <= Self.maximumDepth else {
                throw ModelError(description: "tree \(tree.id) is \(deepest) splits deep, more than the \(Self.maximumDepth) pgpipe scores")
            }
            depths.append(deepest)
        }
        self.nodes = nodes
        self.defaultLeft = defaultLeft
        self.roots = roots
        self.depths = depths
        // The scorer takes trees of at most 64 leaves, so at most 63 splits deep: a deeper tree is walked, and
        // its build (which recurses along a tree) never starts.
        quickScorer = depths.allSatisfy { $0 < 64 }
            ? QuickScorer(nodes: nodes, defaultLeft: defaultLeft, roots: roots, featureCount: featureNames.count) : nil
    }

    /// The probability of the positive class for one row of features, in `featureNames` order.
    public func probability(_ features: [Float]) -> Double {
        features.withUnsafeBufferPointer { probability($0) }
    }

    public func probability(_ features: UnsafeBufferPointer<Float>) -> Double {
        var probability = 0.0
        withUnsafeMutablePointer(to: &probability) {
            probabilities(of: features, into: UnsafeMutableBufferPointer(start: $0, count: 1))
        }
        return probability
    }

    /// The probabilities of many rows, `features` holding them one after another, scored in blocks of 64.
    /// Each row's leaf values are summed in the model's tree order, so a row's result does not depend on the
    /// rows around it and equals the one-row call.
    public func probabilities(of features: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Double>) {
        probabilities(of: features, into: out, walking: quickScorer == nil)
    }

    /// As `probabilities(of:into:)`, by walking the trees when `walking` (tests compare the two ways).
    func probabilities(of features: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Double>, walking: Bool) {
        let width = featureNames.count
        precondition(features.count == width * out.count, "\(features.count) features for \(out.count) rows of \(width)")
        let blockSize = min(64, out.count)
        guard blockSize > 0 else { return }
        // On the stack: scoring one row at a time (the streaming scorer) allocates nothing.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: blockSize) { margins in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: blockSize) { cursors in
                for first in stride(from: 0, to: out.count, by: blockSize) {
                    let rows = min(blockSize, out.count - first)
                    let blockMargins = UnsafeMutableBufferPointer(rebasing: margins[..<rows])
                    let block = UnsafeBufferPointer(rebasing: features[first * width..<(first + rows) * width])
                    if walking {
                        addLeafValues(of: block, width: width, to: blockMargins, cursors: cursors)
                    } else {
                        quickScorer!.addLeafValues(of: block, width: width, to: blockMargins)
                    }
                    for row in 0..<rows {
                        out[first + row] = Double(1 / (1 + exp(-(blockMargins[row] + baseMargin))))
                    }
                }
            }
        }
    }

    /// Sums each row's leaf values into `margins`, walking the rows through one tree and one level at a time:
    /// the rows' walks are independent, so the processor overlaps them, and the tree's nodes stay in the cache.
    private func addLeafValues(
        of rows: UnsafeBufferPointer<Float>, width: Int, to margins: UnsafeMutableBufferPointer<Float>,
        cursors: UnsafeMutableBufferPointer<Int32>
    ) {
        let count = margins.count
        for row in 0..<count { margins[row] = 0 }
        nodes.withUnsafeBufferPointer { nodes in
            defaultLeft.withUnsafeBufferPointer { defaultLeft in
                for (root, depth) in zip(roots, depths) {
                    for row in 0..<count { cursors[row] = root }
                    for _ in 0..<depth {
                        for row in 0..<count {
                            let index = Int(cursors[row])
                            let node = nodes[index]
                            let value = rows[row &* width &+ Int(node.feature)]
                            let goLeft = value.isNaN ? defaultLeft[index] : value < node.value
                            // Computed, not branched on: a split goes either way unpredictably.
                            let goRight = Int32(truncatingIfNeeded: unsafeBitCast(!goLeft, to: UInt8.self))
                            cursors[row] = node.left &+ goRight &* node.toRight
                        }
                    }
                    for row in 0..<count { margins[row] += nodes[Int(cursors[row])].value }
                }
            }
        }
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
        /// As written: a value past a 32-bit float is named, not turned into infinity or a decoding error.
        let split_conditions: [Double]
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
            split_conditions = try container.decode([Double].self, forKey: .split_conditions)
            // Older files write default_left as booleans, newer ones as 0/1.
            if let flags = try? container.decode([Int].self, forKey: .default_left) {
                default_left = flags
            } else {
                default_left = try container.decode([Bool].self, forKey: .default_left).map { $0 ? 1 : 0 }
            }
        }
    }
}
