import Foundation
import Validation

extension Contract {
    /// The loader's dataset for this contract: one input, checked field by field as the contract says, copied
    /// into its table (a merge's into a staging table first), replaced, appended or merged as its mode says.
    /// The contract's scripts are read here, before anything connects.
    public func dataset() throws -> Dataset {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        func script(_ path: String?) throws -> [LoadScript] {
            guard let path else { return [] }
            let full = path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
                throw ContractError(file: file, line: nil, key: "transforms", reason: "\(full): cannot be read as UTF-8 text")
            }
            return [.sql(text)]
        }
        let format: SourceFormat = switch input.format {
        case .csv(let header): header ? .csvWithHeader : .csvWithoutHeader
        case .json(let path): .jsonRecords(path: path, numbers: Set(fields.filter { [.integer, .number].contains($0.kind) }.map(\.name)))
        case .sqlite(let table): .sqlite(table: table)
        }
        let unique = fields.filter { $0.unique && [$0.name] != primaryKey }.map { [$0.name] }
        var copyTable = (schema: table.schema, name: table.name)
        var before = try script(self.before), constants: [(column: String, value: LoadConstant)] = []
        let replacement: Replacement
        switch mode {
        case .replace:
            replacement = .everything(tables: [table.description])
        case .append:
            replacement = .none(table: table, refuseRepeats: true)
        case .merge(let deleteMissing, let history):
            copyTable = ("pg_temp", ContractMerge.stageName(self))
            before.insert(.sql(ContractMerge.createStage(self)), at: 0)
            replacement = .merge(ContractMerge(contract: self, deleteMissing: deleteMissing, history: history), table: table)
        case .partition(let key, _):
            constants = [(key, .batch)]
            replacement = .batchRows(table: table, column: key)
        }
        let input = DatasetInput(
            name: name, defaultFile: self.input.file, format: format, columns: fields.map(column), uniqueKeys: (primaryKey.isEmpty ? [] : [primaryKey]) + unique,
            copyTable: copyTable, copyColumns: fields.map(\.name) + [ContractTable.sourceLine], before: before, after: try script(after),
            copyConstants: constants)
        return Dataset(name: name, summary: description ?? "\(mode.name) \(table) from \(self.input.file)", inputs: [input], replacement: replacement)
    }

    /// Whether a smaller file may mean lost rows: a replace, a partition, or a merge of full snapshots; an
    /// append or a merge of changes is smaller by nature.
    public var guardsShrink: Bool {
        switch mode {
        case .replace, .partition: true
        case .merge(let deleteMissing, _): deleteMissing
        case .append: false
        }
    }

    func column(_ field: ContractField) -> Column {
        let keyed = field.unique || primaryKey.contains(field.name)
        var constraints = field.constraints
        let type: FieldType
        switch field.kind {
        case .string:
            type = .rawText
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
            type = .decimal(nonNegative: false)
        case .boolean:
            var values: [String: String] = [:]
            for spelling in field.trueValues { values[spelling] = "true" }
            for spelling in field.falseValues { values[spelling] = "false" }
            type = .choice(values)
        case .date:
            type = .date(field.datePattern)
        case .datetime:
            type = .dateTime
        }
        return Column(
            field.name, type, missingValues: missingValues, nullable: !field.required,
            maxBytes: keyed && field.kind == .string ? Column.indexedTextLimit : nil, constraints: constraints)
    }
}
