import Foundation
import Formats
import Scoring

/// A record's answer as JSON members, or its bad fields.
enum Outcome {
    case success([(String, JSONText.Value)])
    /// A census record's features and the inputs the model did not know, scored with the rest of its request.
    case features([Float], unknown: [String])
    case failure([Problem.FieldError])
}

/// One registered model version, ready to answer from memory: how a record's fields become its features,
/// and what it answers.
public struct ServedModel: Sendable {
    /// Its row in ml.models (0 when not read from there).
    public let id: Int
    public let name: String
    public let version: Int
    public let kind: String
    public let features: [String]
    /// What the model was trained on (the training files' hashes, or the model file's), where known.
    public let trainingData: String?
    /// Metrics measured on held-out or scored data, where known.
    public let metrics: [(String, Double)]
    /// The inputs as the page's form offers them, in `inputs` order.
    public let form: [FormField]
    let predictor: Predictor

    /// One input as a form offers it: a whole number, or a choice among the values the model knows.
    public struct FormField: Sendable {
        public let name: String
        /// The values to pick from (`value` is sent, `label` shown); empty for a whole number.
        public let choices: [(value: String, label: String)]
        /// Whether the value is sent as a JSON number.
        public let numeric: Bool
    }

    enum Predictor: Sendable {
        /// The census income model: age as a number, four categories matched to the model's spellings.
        case census(XGBoostModel, OneHotEncoder, spellings: [[String: String]], threshold: Double)
        /// The accident-severity model: each attribute a DfT code or its label, "attribute=code" features.
        case accident(LogisticRegression, position: [String: Int], labels: [String: [String: String]], classes: [Int])
    }

    /// The record fields, as a person names them.
    public var inputs: [String] {
        switch predictor {
        case .census: CensusIncomeModel.inputs
        case .accident: AccidentSeverityModel.inputs
        }
    }

    /// The census XGBoost model: its features must be age and one-hot columns of the four categories.
    public static func census(id: Int = 0, name: String, version: Int, model: XGBoostModel, threshold: Double, trainingData: String?, metrics: [(String, Double)]) throws -> ServedModel {
        let encoder = try OneHotEncoder(featureNames: model.featureNames, numeric: CensusIncomeModel.numericInputs, categorical: CensusIncomeModel.categoricalInputs)
        // The model's columns keep the file's spelling (" Female"); a person writes "Female".
        let spellings = encoder.categories.map { spellings in
            Dictionary(spellings.map { ($0.trimmingCharacters(in: .whitespaces), $0) }) { first, _ in first }
        }
        let categories = zip(CensusIncomeModel.categoricalInputs, spellings).map { input, spellings in
            FormField(name: input, choices: spellings.keys.sorted().map { ($0, $0) }, numeric: false)
        }
        return ServedModel(
            id: id, name: name, version: version, kind: "xgboost", features: model.featureNames, trainingData: trainingData, metrics: metrics,
            form: CensusIncomeModel.numericInputs.map { FormField(name: $0, choices: [], numeric: true) } + categories,
            predictor: .census(model, encoder, spellings: spellings, threshold: threshold))
    }

    /// The accident model: `labels` maps each attribute to its lookup (code → label).
    public static func accident(
        id: Int = 0, name: String, version: Int, model: LogisticRegression, features: [String], classes: [Int],
        labels: [String: [String: String]], trainingData: String?, metrics: [(String, Double)]
    ) -> ServedModel {
        ServedModel(
            id: id, name: name, version: version, kind: "logistic_regression", features: features, trainingData: trainingData, metrics: metrics,
            form: AccidentSeverityModel.inputs.map { input in
                let codes = (labels[input] ?? [:]).sorted { (Int($0.key) ?? .max, $0.key) < (Int($1.key) ?? .max, $1.key) }
                return FormField(name: input, choices: codes.map { ($0.key, $0.value) }, numeric: true)
            },
            predictor: .accident(
                model, position: Dictionary(uniqueKeysWithValues: features.enumerated().map { ($1, $0) }),
                labels: labels.mapValues { Dictionary($0.map { ($1.lowercased(), $0) }) { first, _ in first } }, classes: classes))
    }

    /// The answers to `records` as JSON text, in order, or every bad field of every record. Census records
    /// are scored together, in the tree walk's blocks (a row's result does not depend on the rows beside it),
    /// and their answers written straight to bytes: the same text `JSONText` writes for the same members.
    func answers(_ records: [JSONValue]) -> (answers: [[UInt8]], errors: [Problem.FieldError]) {
        var answers: [[UInt8]] = [], errors: [Problem.FieldError] = []
        var features: [Float] = [], unknowns: [[String]] = []
        for (index, record) in records.enumerated() {
            switch predict(record, index: index) {
            case .success(let members):
                var bytes: [UInt8] = []
                JSONText.appendObject(members, to: &bytes)
                answers.append(bytes)
            case .features(let row, let unknown):
                features += row
                unknowns.append(unknown)
            case .failure(let bad): errors += bad
            }
        }
        guard errors.isEmpty else { return ([], errors) }
        if case .census(let model, _, _, let threshold) = predictor, !unknowns.isEmpty {
            var probabilities = [Double](repeating: 0, count: unknowns.count)
            features.withUnsafeBufferPointer { features in
                probabilities.withUnsafeMutableBufferPointer { model.probabilities(of: features, into: $0) }
            }
            var prefix: [UInt8] = []
            JSONText.appendObject([("model", .string(name)), ("version", .number(String(version)))], to: &prefix)
            prefix.removeLast()  // the closing brace: the members go on
            answers = zip(probabilities, unknowns).map { probability, unknown in
                var bytes = prefix
                bytes.reserveCapacity(prefix.count + 96)
                bytes += #","probability":"#.utf8
                JSONText.append(.double(probability), to: &bytes)
                bytes += (probability >= threshold ? #","label":"50000+.","over_50k":true"# : #","label":"- 50000.","over_50k":false"#).utf8
                bytes += #","unknown_inputs":["#.utf8
                for (index, input) in unknown.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    JSONText.appendString(input, to: &bytes)
                }
                bytes += "]}".utf8
                return bytes
            }
        }
        return (answers, [])
    }

    /// One record's answer as JSON members (its features, for the census model), or the record's bad fields.
    func predict(_ record: JSONValue, index: Int) -> Outcome {
        guard case .object(let fields) = record else {
            return .failure([Problem.FieldError(record: index, field: "", reason: "a record is an object of fields, not \(record.kind)")])
        }
        guard fields.count <= 2 * inputs.count else {
            return .failure([Problem.FieldError(record: index, field: "", reason: "\(fields.count) fields; \(name) takes \(inputs.count): \(inputs.joined(separator: ", "))")])
        }
        var errors = fields.keys.sorted().filter { !inputs.contains($0) }.map {
            Problem.FieldError(record: index, field: $0, reason: "not an input of \(name); its inputs are \(inputs.joined(separator: ", "))")
        }
        for input in inputs where fields[input] == nil {
            errors.append(Problem.FieldError(record: index, field: input, reason: "required field is missing (send null for an unknown value)"))
        }
        switch predictor {
        case .census(_, let encoder, let spellings, _):
            var values: [String?] = []
            switch fields["age"] {
            case .number(let age)?:
                if age.rounded() != age || !age.isFinite { errors.append(.init(record: index, field: "age", reason: "not a whole number")) }
                else if !(0...150).contains(age) { errors.append(.init(record: index, field: "age", reason: "\(age.formatted) is outside 0...150")) }
                else { values.append(String(Int(age))) }
            case nil: break
            case let other?: errors.append(.init(record: index, field: "age", reason: "not a whole number (\(other.kind))"))
            }
            var unknown: [String] = []
            for (offset, input) in CensusIncomeModel.categoricalInputs.enumerated() {
                switch fields[input] {
                case .string(let text)?:
                    if let reason = text.unstorable { errors.append(.init(record: index, field: input, reason: reason)); continue }
                    if text.isBlank { errors.append(.init(record: index, field: input, reason: "required category is blank")); continue }
                    let label = text.trimmingWhitespace
                    if let spelling = spellings[offset][label] { values.append(spelling) } else { values.append(text); unknown.append(input) }
                case .null?: values.append(nil)
                case nil: break
                case let other?: errors.append(.init(record: index, field: input, reason: "a category is a string, not \(other.kind)"))
                }
            }
            guard errors.isEmpty else { return .failure(errors) }
            return .features(encoder.encode(values).0, unknown: unknown)
        case .accident(let model, let position, let labels, let classes):
            var active: [Int] = [], unknown: [String] = []
            for input in AccidentSeverityModel.inputs {
                let code: String
                switch fields[input] {
                case .number(let number)?:
                    guard number.rounded() == number, number.isFinite else {
                        errors.append(.init(record: index, field: input, reason: "a DfT code is a whole number"))
                        continue
                    }
                    // The loader's column is a smallint; -1 is the lowest code the DfT uses.
                    guard (-1...32767).contains(number) else {
                        errors.append(.init(record: index, field: input, reason: "\(number.formatted) is outside -1...32767, the range of DfT codes"))
                        continue
                    }
                    // -1 is the DfT's "data missing or out of range", as the loader reads it.
                    code = number == -1 ? "missing" : String(Int(number))
                case .string(let text)?:
                    let label = text.trimmingWhitespace
                    // "Data missing or out of range" is code -1, which the loader reads as no value.
                    if let reason = text.unstorable { errors.append(.init(record: index, field: input, reason: reason)); continue }
                    if text.isBlank { errors.append(.init(record: index, field: input, reason: "a blank label: send null for an unknown value")); continue }
                    if let found = labels[input]?[label.lowercased()] { code = found == "-1" ? "missing" : found }
                    else if let number = Int(label) { code = number == -1 ? "missing" : String(number) }
                    // A label no lookup has is scored as the batch path scores a code the model has no
                    // column for: no column set, and named in unknown_inputs.
                    else { code = "unknown label \(label)" }
                case .null?: code = "missing"
                case nil: continue
                case let other?:
                    errors.append(.init(record: index, field: input, reason: "a DfT code or label, not \(other.kind)"))
                    continue
                }
                if let feature = position["\(input)=\(code)"] { active.append(feature) } else { unknown.append(input) }
            }
            guard errors.isEmpty else { return .failure(errors) }
            let probabilities = model.probabilities(active)
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
            return .success([
                ("model", .string(name)), ("version", .number(String(version))),
                ("probabilities", .object(classes.indices.map { (AccidentSeverityModel.name(ofSeverity: classes[$0]), .double(probabilities[$0])) })),
                ("label", .string(AccidentSeverityModel.name(ofSeverity: classes[best]))), ("severity", .number(String(classes[best]))),
                ("unknown_inputs", .array(unknown.map(JSONText.Value.string))),
            ])
        }
    }
}

extension String {
    /// Without the white space around it, as `trimmingCharacters(in: .whitespaces)` gives, but without a
    /// trip through Foundation when there is none (the usual case; that trip was a sixth of a batch's time).
    var trimmingWhitespace: String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last else { return self }
        func plain(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x80 }
        return plain(first) && plain(last) ? self : trimmingCharacters(in: .whitespaces)
    }

    /// Why Postgres could not store the text (a NUL, as the loader's reject says), or nil.
    var unstorable: String? {
        utf8.firstIndex(of: 0).map { "NUL byte at byte \(utf8.distance(from: utf8.startIndex, to: $0) + 1) of the field" }
    }

    /// Empty or nothing but spaces (openapi.yaml's pattern says the same: some character other than a space
    /// or NUL; other white space is a value, unknown to the model).
    var isBlank: Bool { utf8.allSatisfy { $0 == UInt8(ascii: " ") } }
}

extension Double {
    /// 38 rather than 38.0, for messages.
    var formatted: String { rounded() == self && abs(self) < 1e15 ? String(Int(self)) : "\(self)" }
}
