import Failures
import Foundation
import Validation
import Yams

/// Why a contract cannot be used: a YAML error, an unknown key, a value of the wrong kind, a key naming
/// nothing. Said in one line with the file, the line and the key, before any connection is opened.
public struct ContractError: FailureDescribing {
    public let file: String
    public let line: Int?
    public let key: String
    public let reason: String

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(key.isEmpty ? "" : "\(key): ")\(reason)" }
    public var failure: Failure { .configuration }
}

/// Reads a contract file (YAML): every key known, every value of its kind, every name it uses declared.
public enum ContractReader {
    /// Reads the contract at `path`; a foreign key's `resource` is the contract of that name in the same folder.
    public static func read(_ path: String) throws -> Contract {
        try read(path, referencedBy: [])
    }

    private static func read(_ path: String, referencedBy chain: [String]) throws -> Contract {
        guard FileKind.at(path) == .regular else {
            throw InputError(path: path, reason: FileKind.at(path) == nil ? "no such file" : "is not a regular file")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(path: path, reason: "cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ContractError(file: path, line: nil, key: "", reason: "is not UTF-8 text")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ContractError(file: path, line: error.line, key: "", reason: "not valid YAML: \(error.problem)")
        }
        guard let root, let mapping = root.mapping else {
            throw ContractError(file: path, line: root?.mark?.line, key: "", reason: "a contract is a YAML mapping of keys (dataset, table, input, schema, ...)")
        }
        var top = Keys(mapping, file: path, path: "")
        let contract = try Builder(file: path, chain: chain + [path]).contract(&top)
        try top.finish()
        return contract
    }

    struct Builder {
        let file: String
        let chain: [String]

        func fail(_ node: Node?, _ key: String, _ reason: String) -> ContractError {
            ContractError(file: file, line: node?.mark?.line, key: key, reason: reason)
        }

        func contract(_ top: inout Keys) throws -> Contract {
            let name = try top.required("dataset", identifier: true)
            let description = try top.string("description")
            let (tableText, tableNode) = try top.requiredWithNode("table")
            let table = try tableName(tableText, node: tableNode, key: "table")
            if ["ingest", "people", "census", "ml", "accident", "wind", "public", "information_schema"].contains(table.schema)
                || table.schema.hasPrefix("pg_") {
                throw fail(tableNode, "table", "schema \(table.schema) belongs to pgpipe's built-in datasets or to Postgres; choose a schema of your own")
            }
            var input = try top.requiredObject("input")
            let format = try inputFormat(&input)
            let inputValue = ContractInput(file: try input.required("file"), format: format)
            try input.finish()

            var schema = try top.requiredObject("schema")
            let missingValues = try schema.strings("missingValues") ?? [""]
            var fields: [ContractField] = []
            guard let (fieldNodes, _) = try schema.sequence("fields"), !fieldNodes.isEmpty else {
                throw fail(schema.node, schema.path("fields"), "a schema lists at least one field")
            }
            for (index, node) in fieldNodes.enumerated() {
                var keys = try schema.objectIn(node, path: schema.path("fields[\(index)]"))
                let field = try self.field(&keys)
                if fields.contains(where: { $0.name == field.name }) {
                    throw fail(node, keys.path("name"), "field \"\(field.name)\" is declared twice")
                }
                fields.append(field)
                try keys.finish()
            }
            let names = fields.map(\.name)
            let primaryKey = try schema.stringOrStrings("primaryKey") ?? []
            for key in primaryKey where !names.contains(key) {
                throw fail(schema.node(for: "primaryKey"), schema.path("primaryKey"), "names \"\(key)\", which is not a field; fields are \(names.joined(separator: ", "))")
            }
            for key in primaryKey where fields.first(where: { $0.name == key })?.required == false {
                throw fail(schema.node(for: "primaryKey"), schema.path("primaryKey"), "field \"\(key)\" of the primary key must be required (constraints: {required: true})")
            }
            var foreignKeys: [ForeignKey] = []
            for (index, node) in (try schema.sequence("foreignKeys")?.0 ?? []).enumerated() {
                var keys = try schema.objectIn(node, path: schema.path("foreignKeys[\(index)]"))
                foreignKeys.append(try foreignKey(&keys, fields: names, own: (table, primaryKey, fields)))
                try keys.finish()
            }
            try schema.finish()

            let mode = try loadMode(&top, fields: fields, primaryKey: primaryKey)
            var transforms = try top.object("transforms", required: false)
            let before = try transforms?.string("before"), after = try transforms?.string("after")
            try transforms?.finish()
            var rejects = try top.object("rejects", required: false)
            let maxRejects = try rejects?.integer("max", in: 0...Int(Int32.max)) ?? 0
            let shrinkLimit = try rejects?.integer("shrink_limit", in: 0...100) ?? 50
            try rejects?.finish()
            return Contract(
                file: file, name: name, description: description, table: table, mode: mode, input: inputValue, fields: fields,
                missingValues: missingValues, primaryKey: primaryKey, foreignKeys: foreignKeys, before: before, after: after,
                maxRejects: maxRejects, shrinkLimit: shrinkLimit)
        }

        func tableName(_ text: String, node: Node?, key: String) throws -> TableName {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, parts.allSatisfy(Keys.isIdentifier) else {
                throw fail(node, key, "\"\(text)\" is not schema.table, each a lower-case name (letters, digits, _; 63 bytes at most)")
            }
            return TableName(schema: parts[0], name: parts[1])
        }

        func inputFormat(_ input: inout Keys) throws -> ContractInput.Format {
            let format = try input.string("format") ?? "csv"
            switch format {
            case "csv":
                var dialect = try input.object("dialect", required: false)
                let header = try dialect?.bool("header") ?? true
                try dialect?.finish()
                return .csv(header: header)
            case "json":
                guard let path = try input.stringOrStrings("path"), !path.isEmpty else {
                    throw fail(input.node, input.path("path"), "a JSON input names the keys leading to its array of records (path: [result, records])")
                }
                return .json(path: path)
            case "sqlite":
                return .sqlite(table: try input.required("table"))
            default:
                throw fail(input.node(for: "format"), input.path("format"), "\"\(format)\" is not csv, json or sqlite")
            }
        }

        func field(_ keys: inout Keys) throws -> ContractField {
            let name = try keys.required("name")
            guard !name.isEmpty, name.utf8.count <= 63 else {
                throw fail(keys.node(for: "name"), keys.path("name"), "a field's name is 1 to 63 bytes (a Postgres column name)")
            }
            let typeText = try keys.string("type") ?? "string"
            guard let kind = ContractField.Kind(rawValue: typeText) else {
                throw fail(keys.node(for: "type"), keys.path("type"), "\"\(typeText)\" is not a type pgpipe loads; types are \(ContractField.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var datePattern: DatePattern?
            if let format = try keys.string("format"), format != "default" {
                guard kind == .date else {
                    throw fail(keys.node(for: "format"), keys.path("format"), "only a date field takes a format here (\(kind.rawValue) is read in its one standard form)")
                }
                guard let pattern = DatePattern(format) else {
                    throw fail(keys.node(for: "format"), keys.path("format"), "\"\(format)\" is not a date pattern of %Y, %m and %d (such as %d/%m/%Y)")
                }
                datePattern = pattern
            }
            let trueValues = try keys.strings("trueValues") ?? ["true", "True", "TRUE", "1"]
            let falseValues = try keys.strings("falseValues") ?? ["false", "False", "FALSE", "0"]
            if kind != .boolean, let node = keys.node(for: "trueValues") ?? keys.node(for: "falseValues") {
                throw fail(node, keys.path("trueValues"), "only a boolean field has trueValues and falseValues")
            }
            var constraints = ValueConstraints()
            var required = false, unique = false
            if var c = try keys.object("constraints", required: false) {
                required = try c.bool("required") ?? false
                unique = try c.bool("unique") ?? false
                constraints.allowed = try c.strings("enum")
                for key in ["minLength", "maxLength", "pattern"] where kind != .string && c.node(for: key) != nil {
                    throw fail(c.node(for: key), c.path(key), "only a string field takes \(key)")
                }
                constraints.minLength = try c.integer("minLength", in: 0...Int.max)
                constraints.maxLength = try c.integer("maxLength", in: 0...Int.max)
                if let pattern = try c.string("pattern") {
                    do { constraints.pattern = try TextPattern(pattern) } catch {
                        throw fail(c.node(for: "pattern"), c.path("pattern"), "not a regular expression: \(error)")
                    }
                }
                for key in ["minimum", "maximum"] {
                    guard let text = try c.string(key) else { continue }
                    let bound: ValueConstraints.Bound
                    switch kind {
                    case .integer, .number:
                        guard let value = Double(text), value.isFinite, kind == .number || Int(text) != nil else {
                            throw fail(c.node(for: key), c.path(key), "\"\(text)\" is not a\(kind == .integer ? " whole" : "") number")
                        }
                        bound = .number(value)
                    case .date:
                        guard let date = CalendarDate(iso: text) else {
                            throw fail(c.node(for: key), c.path(key), "\"\(text)\" is not a date written YYYY-MM-DD")
                        }
                        bound = .date(date)
                    default:
                        throw fail(c.node(for: key), c.path(key), "only an integer, number or date field takes \(key)")
                    }
                    if key == "minimum" { constraints.minimum = bound } else { constraints.maximum = bound }
                }
                try c.finish()
            }
            let description = try keys.string("description")
            _ = try keys.string("title")
            return ContractField(
                name: name, kind: kind, datePattern: datePattern, required: required, unique: unique, constraints: constraints,
                trueValues: trueValues, falseValues: falseValues, description: description)
        }

        func foreignKey(_ keys: inout Keys, fields: [String], own: (table: TableName, primaryKey: [String], fields: [ContractField])) throws -> ForeignKey {
            let columns = try keys.stringOrStrings("fields") ?? []
            guard !columns.isEmpty else { throw fail(keys.node, keys.path("fields"), "a foreign key names at least one field") }
            for column in columns where !fields.contains(column) {
                throw fail(keys.node(for: "fields"), keys.path("fields"), "names \"\(column)\", which is not a field")
            }
            var reference = try keys.requiredObject("reference")
            let resource = try reference.string("resource") ?? ""
            let referenced = try reference.stringOrStrings("fields") ?? []
            let node = reference.node(for: "resource") ?? reference.node
            try reference.finish()
            // "" is this table itself, as in Table Schema; another name is the contract of that dataset here.
            var target: (table: TableName, primaryKey: [String], fields: [ContractField]) = own
            if !resource.isEmpty {
                let path = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("\(resource).yaml").path
                guard Keys.isIdentifier(resource), FileKind.at(path) == .regular else {
                    throw fail(node, reference.path("resource"), "no contract \(resource).yaml beside this one: a foreign key references a dataset declared in the same folder (or \"\" for this table)")
                }
                guard !chain.contains(path) else { throw fail(node, reference.path("resource"), "contracts reference each other in a cycle") }
                let other = try ContractReader.read(path, referencedBy: chain)
                target = (other.table, other.primaryKey, other.fields)
            }
            guard referenced.count == columns.count else {
                throw fail(node, reference.path("fields"), "names \(referenced.count) fields for the \(columns.count) of the key")
            }
            let unique = referenced == target.primaryKey
                || (referenced.count == 1 && target.fields.contains { $0.name == referenced[0] && $0.unique })
            guard unique else {
                throw fail(node, reference.path("fields"), "\(target.table) has no primary key or unique field \(referenced.joined(separator: ", ")) to reference")
            }
            return ForeignKey(fields: columns, table: target.table, referencedFields: referenced)
        }

        func loadMode(_ top: inout Keys, fields: [ContractField], primaryKey: [String]) throws -> LoadMode {
            let modeText = try top.string("mode") ?? "replace"
            var merge = try top.object("merge", required: false)
            var partition = try top.object("partition", required: false)
            if modeText != "merge", let merge { throw fail(merge.node, "merge", "only mode: merge takes merge options") }
            if modeText != "partition", let partition { throw fail(partition.node, "partition", "only mode: partition takes partition options") }
            switch modeText {
            case "replace": return .replace
            case "append": return .append
            case "merge":
                guard !primaryKey.isEmpty else {
                    throw fail(top.node(for: "mode"), "mode", "a merge matches rows by the primary key: declare schema.primaryKey")
                }
                let deleteMissing = try merge?.bool("delete_missing") ?? false
                let history = try merge?.bool("history") ?? false
                try merge?.finish()
                if history, let clash = fields.first(where: { ["valid_from", "valid_to"].contains($0.name) }) {
                    throw fail(top.node(for: "merge"), "merge.history", "keeps versions in columns valid_from and valid_to, and field \"\(clash.name)\" has that name")
                }
                return .merge(deleteMissing: deleteMissing, history: history)
            case "partition":
                guard var options = partition else {
                    throw fail(top.node(for: "mode"), "mode", "a partition load names its key: partition: {key: NAME, type: date}")
                }
                let key = try options.required("key", identifier: true)
                let typeText = try options.string("type") ?? "date"
                guard let type = ContractField.Kind(rawValue: typeText), [.date, .string, .integer].contains(type) else {
                    throw fail(options.node(for: "type"), "partition.type", "\"\(typeText)\" is not date, string or integer")
                }
                try options.finish()
                if fields.contains(where: { $0.name == key }) {
                    throw fail(options.node(for: "key"), "partition.key", "\"\(key)\" is filled by the load from --batch, so it is not also a field of the file")
                }
                return .partition(key: key, type: type)
            default:
                throw fail(top.node(for: "mode"), "mode", "\"\(modeText)\" is not replace, append, merge or partition")
            }
        }
    }

    /// A YAML mapping read key by key: what was read is remembered, so `finish` can name a key nobody reads
    /// (a typo) instead of ignoring it.
    struct Keys {
        let mapping: Node.Mapping
        let file: String
        let prefix: String
        private var read: Set<String> = []

        init(_ mapping: Node.Mapping, file: String, path prefix: String) {
            self.mapping = mapping
            self.file = file
            self.prefix = prefix
        }

        var node: Node { .mapping(mapping) }

        func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

        func node(for key: String) -> Node? { mapping[key] }

        static func isIdentifier(_ text: String) -> Bool {
            guard let first = text.unicodeScalars.first, text.utf8.count <= 63 else { return false }
            return (first == "_" || ("a"..."z").contains(first))
                && text.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        }

        private func fail(_ node: Node?, _ key: String, _ reason: String) -> ContractError {
            ContractError(file: file, line: node?.mark?.line ?? mapping.mark?.line, key: path(key), reason: reason)
        }

        mutating func scalar(_ key: String) throws -> String? {
            read.insert(key)
            guard let node = mapping[key] else { return nil }
            if case .scalar(let scalar) = node {
                // A bare `~` or `null` is no value, as if the key were absent.
                return scalar.style == .plain && ["~", "null", ""].contains(scalar.string) ? nil : scalar.string
            }
            throw fail(node, key, "expected a single value, found a \(node.mapping != nil ? "mapping" : "list")")
        }

        mutating func string(_ key: String) throws -> String? { try scalar(key) }

        mutating func required(_ key: String, identifier: Bool = false) throws -> String {
            guard let value = try scalar(key) else { throw fail(nil, key, "is required") }
            if identifier, !Self.isIdentifier(value) {
                throw fail(mapping[key], key, "\"\(value)\" is not a lower-case name (letters, digits, _; 63 bytes at most)")
            }
            return value
        }

        mutating func requiredWithNode(_ key: String) throws -> (String, Node?) {
            (try required(key), mapping[key])
        }

        mutating func bool(_ key: String) throws -> Bool? {
            guard let text = try scalar(key) else { return nil }
            switch text {
            case "true": return true
            case "false": return false
            default: throw fail(mapping[key], key, "\"\(text)\" is not true or false")
            }
        }

        mutating func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let text = try scalar(key) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw fail(mapping[key], key, "\"\(text)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        mutating func sequence(_ key: String) throws -> ([Node], Node)? {
            read.insert(key)
            guard let node = mapping[key] else { return nil }
            guard case .sequence(let items) = node else { throw fail(node, key, "expected a list") }
            return (Array(items), node)
        }

        mutating func strings(_ key: String) throws -> [String]? {
            guard let (items, _) = try sequence(key) else { return nil }
            return try items.map { item in
                guard case .scalar(let scalar) = item else { throw fail(item, key, "expected a list of single values") }
                return scalar.string
            }
        }

        /// A list of names, or one name (Table Schema allows both for `primaryKey` and a foreign key's `fields`).
        mutating func stringOrStrings(_ key: String) throws -> [String]? {
            if case .scalar = mapping[key] { return try scalar(key).map { [$0] } }
            return try strings(key)
        }

        mutating func object(_ key: String, required: Bool) throws -> Keys? {
            read.insert(key)
            guard let node = mapping[key] else {
                if required { throw fail(nil, key, "is required") }
                return nil
            }
            guard case .mapping(let inner) = node else { throw fail(node, key, "expected a mapping of keys") }
            return Keys(inner, file: file, path: path(key))
        }

        mutating func requiredObject(_ key: String) throws -> Keys {
            guard let object = try object(key, required: true) else { throw fail(nil, key, "is required") }
            return object
        }

        func objectIn(_ node: Node, path: String) throws -> Keys {
            guard case .mapping(let inner) = node else {
                throw ContractError(file: file, line: node.mark?.line, key: path, reason: "expected a mapping of keys")
            }
            return Keys(inner, file: file, path: path)
        }

        /// Refuses a key that nothing read: a misspelt key must not be silently ignored.
        func finish() throws {
            for key in mapping.keys {
                let name = key.scalar?.string ?? "\(key)"
                guard !read.contains(name) else { continue }
                throw ContractError(file: file, line: key.mark?.line, key: path(name), reason: "unknown key")
            }
        }
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: nil
        }
    }

    var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "key \(duplicates.joined(separator: ", ")) appears twice"
        default: "\(self)"
        }
    }
}
