import Foundation
import Postgres
import Validation

extension Contract {
    /// The loader's dataset for this contract: an input per contract input, checked field by field as the
    /// contract says and copied into its table (a merge's into a staging table first), which the load replaces,
    /// appends to or merges into as the mode says.
    public func dataset() -> Dataset {
        let replacement: Replacement
        var constants: [(column: String, value: LoadConstant)] = []
        var stage: [LoadScript] = []
        var copyTable = (schema: table.schema, name: table.name)
        switch mode {
        case .replace:
            replacement = .everything(tables: (declaredTable.map { [$0] } ?? replaces).map(\.description))
        case .append:
            replacement = .none(table: table, refuseRepeats: true)
        case .merge(let deleteMissing, let history):
            copyTable = ("pg_temp", ContractMerge.stageName(self))
            stage = [.sql(ContractMerge.createStage(self))]
            replacement = .merge(ContractMerge(contract: self, deleteMissing: deleteMissing, history: history), table: table)
        case .partition(let key, _):
            constants = [(key, .batch)]
            replacement = .batchRows(table: table, column: key)
        case .batchPartition(let table, let delete):
            replacement = .batch(partitionOf: (table.schema, table.name), delete: delete)
        }
        let inputs = self.inputs.map { input in
            let format: SourceFormat = switch input.format {
            case .csv(let dialect): .csv(dialect)
            case .json(let path, let numbers): .jsonRecords(path: path, numbers: Set(numbers))
            case .sqlite(let table): .sqlite(table: table)
            }
            var copy = (table: copyTable, columns: input.fields.map(\.name))
            if let target = input.copy { copy = ((target.table.schema, target.table.name), target.columns) }
            return DatasetInput(
                name: input.name, defaultFile: input.file, format: format, columns: input.fields.map { column($0, of: input) },
                uniqueKeys: input.uniqueKeys, copyTable: copy.table, copyColumns: copy.columns + input.trailingColumns,
                before: stage + input.before, after: input.after, categoryLookups: input.categories, copyConstants: constants + input.constants)
        }
        return Dataset(
            name: name, summary: description ?? "\(mode.name) \(table) from \(input.file)", inputs: inputs, replacement: replacement,
            shrinkTables: shrinkTables.map(\.description))
    }

    /// Whether a smaller file may mean lost rows: a replace, a partition, or a merge of full snapshots; an
    /// append or a merge of changes is smaller by nature.
    public var guardsShrink: Bool {
        switch mode {
        case .replace, .partition, .batchPartition: true
        case .merge(let deleteMissing, _): deleteMissing
        case .append: false
        }
    }

    /// A field that is a foreign key of its own to another contract's table (a string or an integer): checked
    /// as a reference to the keys that table has when the load begins, so a row naming no row there is a
    /// reject with its line rather than a failed load.
    func keyOfOtherTable(_ field: ContractField) -> Reference? {
        guard [.string, .integer].contains(field.kind),
            let key = foreignKeys.first(where: { $0.fields == [field.name] }), key.table != table, let column = key.referencedFields.first
        else { return nil }
        let quoted = Identifier.quoted(column)
        return Reference(
            noun: "\(key.table) \(column)",
            query: "SELECT k, k, k FROM (SELECT \(quoted)::text AS k FROM \(Identifier.quoted(key.table.schema, key.table.name))) AS keys")
    }

    /// The validator's column for a field: its type, its missing values, whether it may be NULL.
    func column(_ field: ContractField, of input: ContractInput) -> Column {
        let keyed = input.uniqueKeys.joined().contains(field.name)
        var constraints = field.constraints
        var missing = field.missingValues ?? input.missingValues
        let type: FieldType
        if let reference = field.reference ?? keyOfOtherTable(field) {
            type = .reference(reference)
        } else if field.category {
            type = .category
        } else {
            switch field.kind {
            case .string:
                // Empty text is refused in a required field, NULL in another when "" means missing, else kept.
                if field.required || missing.contains("") {
                    type = field.required ? .text : .optionalText
                    missing.removeAll { $0.isEmpty }
                } else {
                    type = .rawText
                }
            case .integer:
                // An integer's limits are its type's range, checked as it is read.
                func limit(_ bound: ValueConstraints.Bound?, _ fallback: Int) -> Int {
                    if case .number(let value) = bound { return Int(value) }
                    return fallback
                }
                type = .integer(limit(constraints.minimum, -999_999_999_999_999_999)...limit(constraints.maximum, 999_999_999_999_999_999))
                constraints.minimum = nil
                constraints.maximum = nil
            case .number:
                if case .number(0)? = constraints.minimum, constraints.maximum == nil {
                    type = .decimal(nonNegative: true)
                    constraints.minimum = nil
                } else {
                    type = .decimal(nonNegative: false)
                }
            case .boolean:
                var values: [String: String] = [:]
                for spelling in field.trueValues { values[spelling] = "true" }
                for spelling in field.falseValues { values[spelling] = "false" }
                type = .choice(values)
            case .date:
                type = field.notInFuture && field.datePattern == nil ? .pastDate : .date(field.datePattern)
                if field.notInFuture, field.datePattern != nil { constraints.maximum = .date(.today()) }
            case .datetime:
                type = .dateTime
            }
        }
        return Column(
            field.name, type, missingValues: missing, nullable: !field.required,
            maxBytes: field.maxBytes ?? (keyed && field.kind == .string ? Column.indexedTextLimit : nil), constraints: constraints)
    }
}

extension ContractInput {
    /// The columns after the fields' that each row fills: its line, and a JSON record's position.
    var trailingColumns: [String] {
        if case .json = format { return [lineColumn, positionColumn] }
        return [lineColumn]
    }
}
