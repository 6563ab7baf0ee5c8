import Failures
import Foundation
import Records
import Schema
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

        /// A path written in the contract: relative to the contract's folder.
        func beside(_ path: String) -> String {
            let folder = (file as NSString).deletingLastPathComponent
            return path.hasPrefix("/") || folder.isEmpty ? path : "\(folder)/\(path)"
        }

        func fail(_ node: Node?, _ key: String, _ reason: String) -> ContractError {
            ContractError(file: file, line: node?.mark?.line, key: key, reason: reason)
        }

        func contract(_ top: inout Keys) throws -> Contract {
            let name = try top.required("dataset", identifier: true)
            let description = try top.string("description")
            var rejects = try top.object("rejects", required: false)
            let maxRejects = try rejects?.integer("max", in: 0...Int(Int32.max)) ?? 0
            let shrinkLimit = try rejects?.integer("shrink_limit", in: 0...100) ?? 50
            let shrinkTables = try rejects?.sequence("shrink_tables").map { items, node in
                try items.map { item in
                    guard case .scalar(let scalar) = item else { throw fail(item, "rejects.shrink_tables", "expected a list of schema.table names") }
                    return try tableName(scalar.string, node: node, key: "rejects.shrink_tables")
                }
            }
            try rejects?.finish()
            guard top.node(for: "inputs") == nil else {
                var contract = try migratedTables(&top, name: name, description: description, maxRejects: maxRejects, shrinkLimit: shrinkLimit)
                if let shrinkTables {
                    let node = rejects?.node(for: "shrink_tables")
                    guard contract.mode == .replace else {
                        throw fail(node, "rejects.shrink_tables", "compares a replace load's tables with what they held before it; this load is not a replace")
                    }
                    if let stray = shrinkTables.first(where: { !contract.replaces.contains($0) }) {
                        throw fail(node, "rejects.shrink_tables", "\(stray) is not among the tables the load replaces (replaces)")
                    }
                    contract.shrinkTables = shrinkTables
                }
                return contract
            }
            if shrinkTables != nil {
                throw fail(rejects?.node(for: "shrink_tables"), "rejects.shrink_tables", "is for contracts with inputs whose transforms fill tables of sql/migrations; the declared table's own rows are guarded already")
            }
            let (tableText, tableNode) = try top.requiredWithNode("table")
            let table = try tableName(tableText, node: tableNode, key: "table")
            if ["ingest", "people", "census", "ml", "accident", "wind", "public", "information_schema"].contains(table.schema)
                || table.schema.hasPrefix("pg_") {
                throw fail(tableNode, "table", "schema \(table.schema) belongs to pgpipe's built-in datasets or to Postgres; choose a schema of your own")
            }
            var inputKeys = try top.requiredObject("input")
            var schema = try top.requiredObject("schema")
            let (fields, missingValues, primaryKey) = try self.schema(&schema, columnNames: true)
            // The columns a load fills itself.
            let reserved = [ContractTable.sourceLine, ContractTable.sourcePosition, ContractTable.validFrom, ContractTable.validTo]
            if let (index, field) = fields.enumerated().first(where: { reserved.contains($0.element.name) }) {
                throw fail(schema.node, schema.path("fields[\(index)].name"), "\"\(field.name)\" is a column the load fills itself (\(reserved.joined(separator: ", "))); name the field otherwise")
            }
            var foreignKeys: [ForeignKey] = []
            for (index, node) in (try schema.sequence("foreignKeys")?.0 ?? []).enumerated() {
                var keys = try schema.objectIn(node, path: schema.path("foreignKeys[\(index)]"))
                foreignKeys.append(try foreignKey(&keys, fields: fields.map(\.name), own: (table, primaryKey, fields)))
                try keys.finish()
            }
            try schema.finish()
            let mode = try loadMode(&top, fields: fields, primaryKey: primaryKey)
            if let field = fields.first(where: { $0.category || $0.reference != nil }) {
                throw fail(top.node(for: "schema"), "schema", "field \"\(field.name)\": categories and references are for contracts with inputs copied into tables of sql/migrations, for now")
            }
            let (before, after) = try transforms(&top)
            let input = ContractInput(
                name: name, file: try inputKeys.required("file"), format: try inputFormat(&inputKeys, fields: fields), fields: fields,
                missingValues: missingValues,
                uniqueKeys: uniqueKeys(fields, primaryKey: primaryKey),
                copy: nil, lineColumn: ContractTable.sourceLine, positionColumn: ContractTable.sourcePosition, constants: [], categories: nil,
                before: before, after: after)
            try inputKeys.finish()
            return Contract(
                file: file, name: name, description: description, declaredTable: table, mode: mode, inputs: [input], primaryKey: primaryKey,
                foreignKeys: foreignKeys, replaces: [], maxRejects: maxRejects, shrinkLimit: shrinkLimit)
        }

        /// A contract whose tables sql/migrations create (the built-in datasets): its inputs, each copied into a
        /// table it names, and the tables a load replaces (or the partitioned table a batch replaces).
        func migratedTables(_ top: inout Keys, name: String, description: String?, maxRejects: Int, shrinkLimit: Int) throws -> Contract {
            var inputs: [ContractInput] = []
            for (index, node) in (try top.sequence("inputs")?.0 ?? []).enumerated() {
                var keys = try top.objectIn(node, path: "inputs[\(index)]")
                let input = try self.input(&keys)
                if inputs.contains(where: { $0.name == input.name }) { throw fail(node, keys.path("name"), "input \"\(input.name)\" is declared twice") }
                inputs.append(input)
                try keys.finish()
            }
            guard !inputs.isEmpty else { throw fail(top.node(for: "inputs"), "inputs", "a contract lists at least one input") }
            let modeText = try top.string("mode") ?? "replace"
            let mode: LoadMode
            var replaces: [TableName] = []
            switch modeText {
            case "replace":
                guard let (tables, node) = try top.sequence("replaces"), !tables.isEmpty else {
                    throw fail(top.node(for: "replaces"), "replaces", "a replace load names the tables it empties and fills, children before parents")
                }
                replaces = try tables.map { item in
                    guard case .scalar(let scalar) = item else { throw fail(item, "replaces", "expected a list of schema.table names") }
                    return try tableName(scalar.string, node: node, key: "replaces")
                }
                mode = .replace
            case "partition":
                var partition = try top.requiredObject("partition")
                let (text, node) = try partition.requiredWithNode("table")
                let table = try tableName(text, node: node, key: "partition.table")
                let delete = try scripts(try partition.stringOrStrings("delete") ?? [], key: "partition.delete")
                try partition.finish()
                guard case .sql(let script)? = delete.first, delete.count == 1 else {
                    throw fail(partition.node, "partition.delete", "names the one script that removes a replaced batch's rows of other tables")
                }
                mode = .batchPartition(table: table, delete: script)
            default:
                throw fail(top.node(for: "mode"), "mode", "\"\(modeText)\" is not replace or partition (a contract with inputs fills tables of sql/migrations)")
            }
            return Contract(
                file: file, name: name, description: description, declaredTable: nil, mode: mode, inputs: inputs, primaryKey: [],
                foreignKeys: [], replaces: replaces, maxRejects: maxRejects, shrinkLimit: shrinkLimit)
        }

        /// One input of a contract with inputs: the input's own keys, its schema, where it is copied.
        func input(_ keys: inout Keys) throws -> ContractInput {
            let name = try keys.required("name", identifier: true)
            var schema = try keys.requiredObject("schema")
            let (fields, missingValues, primaryKey) = try self.schema(&schema, columnNames: false)
            try schema.finish()
            var copy = try keys.requiredObject("copy")
            let (tableText, tableNode) = try copy.requiredWithNode("table")
            let table = try tableName(tableText, node: tableNode, key: copy.path("table"))
            let columns = try copy.strings("columns") ?? []
            guard columns.count == fields.count else {
                throw fail(copy.node(for: "columns") ?? copy.node, copy.path("columns"), "names \(columns.count) columns for the \(fields.count) fields")
            }
            var constants: [(column: String, value: LoadConstant)] = []
            for (index, node) in (try copy.sequence("constants")?.0 ?? []).enumerated() {
                var constant = try copy.objectIn(node, path: copy.path("constants[\(index)]"))
                let column = try constant.required("column")
                let value = try constant.required("value")
                guard let loadConstant = ["batch": LoadConstant.batch, "source_file": .sourceFile][value] else {
                    throw fail(constant.node(for: "value"), constant.path("value"), "\"\(value)\" is not batch or source_file")
                }
                try constant.finish()
                constants.append((column, loadConstant))
            }
            for (index, column) in columns.enumerated() where column.isEmpty || column.utf8.count > 63 {
                throw fail(copy.node(for: "columns"), copy.path("columns[\(index)]"), "a column name is 1 to 63 bytes")
            }
            let line = try copy.string("line") ?? ContractTable.sourceLine
            let position = try copy.string("position") ?? ContractTable.sourcePosition
            for key in ["line", "position"] where copy.node(for: key) != nil && !Keys.isIdentifier(key == "line" ? line : position) {
                throw fail(copy.node(for: key), copy.path(key), "\"\(key == "line" ? line : position)\" is not a lower-case name")
            }
            try copy.finish()
            if copy.node(for: "position") != nil, keys.node(for: "format")?.scalar?.string != "json" {
                throw fail(copy.node(for: "position"), copy.path("position"), "only a JSON input's records have a position")
            }
            let categories = try keys.string("categories")
            if let categories, !Keys.isIdentifier(categories) {
                throw fail(keys.node(for: "categories"), keys.path("categories"), "\"\(categories)\" is not a schema name")
            }
            if categories == nil, let field = fields.first(where: \.category) {
                throw fail(keys.node, keys.path("categories"), "field \"\(field.name)\" is a category: name the schema of the lookup tables")
            }
            let (before, after) = try transforms(&keys)
            let input = ContractInput(
                name: name, file: try keys.required("file"), format: try inputFormat(&keys, fields: fields), fields: fields,
                missingValues: missingValues,
                uniqueKeys: uniqueKeys(fields, primaryKey: primaryKey),
                copy: (table, columns), lineColumn: line, positionColumn: position, constants: constants, categories: categories,
                before: before, after: after)
            return input
        }

        /// A schema's fields, missing values and primary key; `columnNames`: each field names a column of the
        /// declared table.
        func schema(_ schema: inout Keys, columnNames: Bool) throws -> (fields: [ContractField], missingValues: [String], primaryKey: [String]) {
            let missingValues = try schema.strings("missingValues") ?? [""]
            var fields: [ContractField] = []
            guard let (fieldNodes, _) = try schema.sequence("fields"), !fieldNodes.isEmpty else {
                throw fail(schema.node, schema.path("fields"), "a schema lists at least one field")
            }
            for (index, node) in fieldNodes.enumerated() {
                var keys = try schema.objectIn(node, path: schema.path("fields[\(index)]"))
                let field = try self.field(&keys, columnName: columnNames)
                if fields.contains(where: { $0.name == field.name }) {
                    throw fail(node, keys.path("name"), "field \"\(field.name)\" is declared twice")
                }
                fields.append(field)
                try keys.finish()
            }
            let names = fields.map(\.name)
            let primaryKey = try schema.stringOrStrings("primaryKey") ?? []
            if let repeated = primaryKey.enumerated().first(where: { primaryKey[..<$0.offset].contains($0.element) })?.element {
                throw fail(schema.node(for: "primaryKey"), schema.path("primaryKey"), "names \"\(repeated)\" twice")
            }
            for key in primaryKey where !names.contains(key) {
                throw fail(schema.node(for: "primaryKey"), schema.path("primaryKey"), "names \"\(key)\", which is not a field; fields are \(names.joined(separator: ", "))")
            }
            for key in primaryKey where fields.first(where: { $0.name == key })?.required == false {
                throw fail(schema.node(for: "primaryKey"), schema.path("primaryKey"), "field \"\(key)\" of the primary key must be required (constraints: {required: true})")
            }
            return (fields, missingValues, primaryKey)
        }

        /// The keys no two rows may share: the primary key, then each unique field that is not it.
        func uniqueKeys(_ fields: [ContractField], primaryKey: [String]) -> [[String]] {
            (primaryKey.isEmpty ? [] : [primaryKey]) + fields.filter { $0.unique && [$0.name] != primaryKey }.map { [$0.name] }
        }

        /// `transforms: {before, after}`: a script or a list of scripts each, read now.
        func transforms(_ keys: inout Keys) throws -> (before: [LoadScript], after: [LoadScript]) {
            guard var transforms = try keys.object("transforms", required: false) else { return ([], []) }
            let before = try scripts(try transforms.stringOrStrings("before") ?? [], key: transforms.path("before"))
            let after = try scripts(try transforms.stringOrStrings("after") ?? [], key: transforms.path("after"))
            try transforms.finish()
            return (before, after)
        }

        /// The text of each SQL script, a path relative to the contract's folder.
        func scripts(_ paths: [String], key: String) throws -> [LoadScript] {
            try paths.map { .sql(try text(of: $0, key: key)) }
        }

        func text(of path: String, key: String) throws -> String {
            let full = beside(path)
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
                throw ContractError(file: file, line: nil, key: key, reason: "\(full): cannot be read as UTF-8 text")
            }
            return text
        }

        func tableName(_ text: String, node: Node?, key: String) throws -> TableName {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, parts.allSatisfy(Keys.isIdentifier) else {
                throw fail(node, key, "\"\(text)\" is not schema.table, each a lower-case name (letters, digits, _; 63 bytes at most)")
            }
            return TableName(schema: parts[0], name: parts[1])
        }

        func inputFormat(_ input: inout Keys, fields: [ContractField]) throws -> ContractInput.Format {
            let format = try input.string("format") ?? "csv"
            switch format {
            case "csv":
                guard var keys = try input.object("dialect", required: false) else { return .csv(CSVDialect()) }
                return .csv(try csvDialect(&keys))
            case "json":
                guard let path = try input.stringOrStrings("path"), !path.isEmpty else {
                    throw fail(input.node, input.path("path"), "a JSON input names the keys leading to its array of records (path: [result, records])")
                }
                // The keys holding JSON numbers; any other value is a string. By default a number field's.
                let numbers = try input.strings("numbers") ?? fields.filter { [.integer, .number].contains($0.kind) }.map(\.name)
                return .json(path: path, numbers: numbers)
            case "sqlite":
                return .sqlite(table: try input.required("table"))
            default:
                throw fail(input.node(for: "format"), input.path("format"), "\"\(format)\" is not csv, json or sqlite")
            }
        }

        /// A CSV input's `dialect`: Frictionless CSV Dialect's keys (delimiter, quoteChar, doubleQuote,
        /// escapeChar, header) and pgpipe's (headerRows, preambleRows, footerRows, encoding, padShortRows).
        func csvDialect(_ keys: inout Keys) throws -> CSVDialect {
            var dialect = CSVDialect()
            func byte(_ key: String) throws -> UInt8?? {
                guard let text = try keys.string(key) else { return .none }
                if text.isEmpty { return .some(nil) }
                guard text.utf8.count == 1, let byte = text.utf8.first, byte != 0x0A, byte != 0x0D else {
                    throw fail(keys.node(for: key), keys.path(key), "\"\(text)\" is not one ASCII character other than a line break (\"\" for none)")
                }
                return .some(byte)
            }
            if let delimiter = try byte("delimiter") { dialect.delimiter = delimiter }
            if let quote = try byte("quoteChar") { dialect.quote = quote }
            if let escape = try byte("escapeChar") { dialect.escape = escape }
            if let doubled = try keys.bool("doubleQuote") { dialect.doubleQuote = doubled }
            let header = try keys.bool("header")
            if let rows = try keys.integer("headerRows", in: 0...100) {
                guard header == nil || header! == (rows > 0) else {
                    throw fail(keys.node(for: "header"), keys.path("header"), "says \(header!) but headerRows is \(rows)")
                }
                dialect.headerRows = rows
            } else if header == false {
                dialect.headerRows = 0
            }
            dialect.preambleRows = try keys.integer("preambleRows", in: 0...100_000) ?? 0
            dialect.footerRows = try keys.integer("footerRows", in: 0...100_000) ?? 0
            dialect.padShortRows = try keys.bool("padShortRows") ?? false
            dialect.trailingDelimiter = try keys.bool("trailingDelimiter") ?? false
            switch try keys.string("matchFields") ?? "byName" {
            case "byName": dialect.matchByName = true
            case "byPosition": dialect.matchByName = false
            case let other: throw fail(keys.node(for: "matchFields"), keys.path("matchFields"), "\"\(other)\" is not byName or byPosition")
            }
            if let name = try keys.string("encoding") {
                guard let encoding = TextEncoding(name: name) else {
                    throw fail(keys.node(for: "encoding"), keys.path("encoding"), "\"\(name)\" is not an encoding this machine can read (utf-8, utf-16, utf-16le, utf-16be, latin-1, windows-1252, or an iconv name such as cp949)")
                }
                dialect.encoding = encoding
            }
            if let delimiter = dialect.delimiter, delimiter == dialect.quote || delimiter == dialect.escape {
                throw fail(keys.node(for: "delimiter"), keys.path("delimiter"), "the delimiter cannot also be the quote or escape character")
            }
            try keys.finish()
            return dialect
        }

        func field(_ keys: inout Keys, columnName: Bool) throws -> ContractField {
            let name = try keys.required("name")
            guard !columnName || (!name.isEmpty && name.utf8.count <= 63) else {
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
            for key in ["trueValues", "falseValues"] where kind != .boolean && keys.node(for: key) != nil {
                throw fail(keys.node(for: key), keys.path(key), "only a boolean field has trueValues and falseValues")
            }
            var constraints = ValueConstraints()
            var required = false, unique = false, notInFuture = false
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
                    if key == "maximum", kind == .date, text == "today" {
                        notInFuture = true
                        continue
                    }
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
            let category = try keys.bool("category") ?? false
            if category, kind != .string { throw fail(keys.node(for: "category"), keys.path("category"), "only a string field is a category") }
            var reference: Reference?
            if var keys = try keys.object("reference", required: false) {
                let noun = try keys.required("noun")
                var variables: [String: String] = [:]
                if var given = try keys.object("variables", required: false) {
                    for key in given.mapping.keys.compactMap(\.scalar?.string) { variables[key] = try given.required(key) }
                    try given.finish()
                }
                let query = SQLFolder.substituting(variables, in: try text(of: try keys.required("query"), key: keys.path("query")))
                try keys.finish()
                reference = Reference(noun: noun, query: query)
            }
            if reference != nil, category || kind != .string {
                throw fail(keys.node(for: "reference"), keys.path("reference"), "a reference is a string field's, and neither a category nor typed otherwise")
            }
            let maxBytes = try keys.integer("maxBytes", in: 1...Int(Int32.max))
            return ContractField(
                name: name, kind: kind, datePattern: datePattern, required: required, unique: unique, constraints: constraints,
                trueValues: trueValues, falseValues: falseValues, description: description, missingValues: try keys.strings("missingValues"),
                category: category, reference: reference, maxBytes: maxBytes, notInFuture: notInFuture)
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
                let path = beside("\(resource).yaml")
                guard Keys.isIdentifier(resource), FileKind.at(path) == .regular else {
                    throw fail(node, reference.path("resource"), "no contract \(resource).yaml beside this one: a foreign key references a dataset declared in the same folder (or \"\" for this table)")
                }
                guard !chain.contains(path) else { throw fail(node, reference.path("resource"), "contracts reference each other in a cycle") }
                let other = try ContractReader.read(path, referencedBy: chain)
                guard other.name == resource, other.declaredTable != nil else {
                    throw fail(node, reference.path("resource"), "\(resource).yaml declares \(other.declaredTable == nil ? "no table of its own" : "dataset \(other.name)"), not the table of dataset \(resource)")
                }
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
                if fields.contains(where: { $0.name == key }) || [ContractTable.sourceLine, ContractTable.sourcePosition].contains(key) {
                    throw fail(options.node(for: "key"), "partition.key", "\"\(key)\" is filled by the load from --batch, so it is neither a field of the file nor \(ContractTable.sourceLine)")
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
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
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
