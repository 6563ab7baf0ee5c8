/// Turns named inputs into a model's feature vector: numeric inputs by name, categorical ones as
/// `<input>_<value>` one-hot columns (pandas get_dummies naming). A value with no column sets none.
public struct OneHotEncoder: Sendable {
    private let width: Int
    private let numericIndex: [Int]
    private let categoryIndex: [[String: Int]]

    /// `numeric` and `categorical` name the inputs in the order `encode` receives their values.
    public init(featureNames: [String], numeric: [String], categorical: [String]) throws {
        width = featureNames.count
        numericIndex = try numeric.map { name in
            guard let index = featureNames.firstIndex(of: name) else {
                throw ModelError(description: "the model has no feature \(name)")
            }
            return index
        }
        var categoryIndex = [[String: Int]](repeating: [:], count: categorical.count)
        for (index, feature) in featureNames.enumerated() where !numeric.contains(feature) {
            // The longest input name that prefixes the feature owns it ("marital_stat_ Never married").
            guard let input = categorical.indices.filter({ feature.hasPrefix(categorical[$0] + "_") })
                .max(by: { categorical[$0].count < categorical[$1].count })
            else { throw ModelError(description: "model feature \"\(feature)\" belongs to no input the predictions table has") }
            categoryIndex[input][String(feature.dropFirst(categorical[input].count + 1))] = index
        }
        self.categoryIndex = categoryIndex
    }

    /// The categories of each categorical input (in the order given to `init`) that have a column.
    public var categories: [[String]] { categoryIndex.map { $0.keys.sorted() } }

    /// `values`: the numeric inputs, then the categorical ones, as text (nil for NULL). Returns the features
    /// and whether a non-NULL category had no column.
    public func encode(_ values: [String?]) -> ([Float], Bool) {
        var features = [Float](repeating: 0, count: width)
        let unknown = features.withUnsafeMutableBufferPointer { encode(values[...], into: $0) }
        return (features, unknown)
    }

    /// As `encode(_:)`, writing the row's `width` features into `features` (a block's row, so a scorer of many
    /// rows allocates no array per row). Returns whether a non-NULL category had no column.
    public func encode(_ values: ArraySlice<String?>, into features: UnsafeMutableBufferPointer<Float>) -> Bool {
        precondition(features.count == width, "\(features.count) features for a model of \(width)")
        features.update(repeating: 0)
        let first = values.startIndex
        for (position, index) in numericIndex.enumerated() {
            features[index] = values[first + position].flatMap { Float($0) } ?? .nan
        }
        var unknown = false
        for (offset, columns) in categoryIndex.enumerated() {
            guard let value = values[first + numericIndex.count + offset] else { continue }
            if let index = columns[value] { features[index] = 1 } else { unknown = true }
        }
        return unknown
    }

    /// The number of features a row encodes to.
    public var featureCount: Int { width }
}
