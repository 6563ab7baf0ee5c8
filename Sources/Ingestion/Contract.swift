import Records
import Validation

/// A dataset declared in a file (datasets/*.yaml): its inputs and the fields of each row in the vocabulary of
/// Frictionless Table Schema, the tables they fill, and how a load changes them. A contract either declares
/// its one table (`table`: `ContractTable` plans and applies its DDL) or, as the built-in datasets do, names
/// tables that sql/migrations create, each input copied where it says. `ContractReader` reads one,
/// `Contract.dataset` makes the loader's `Dataset` of it.
public struct Contract: Sendable {
    /// The contract file, for messages.
    public let file: String
    public let name: String
    public let description: String?
    /// The table the contract declares; nil when its tables come from sql/migrations.
    public let declaredTable: TableName?
    public let mode: LoadMode
    /// Loaded in this order; a later input may reference tables an earlier one filled.
    public let inputs: [ContractInput]
    /// The declared table's primary key and foreign keys.
    public let primaryKey: [String]
    public let foreignKeys: [ForeignKey]
    /// The migration-made tables a `replace` load empties and fills, children before parents.
    public let replaces: [TableName]
    /// A load's defaults, which `--max-rejects` and `--shrink-limit` override.
    public let maxRejects: Int
    public let shrinkLimit: Int?
    /// Tables among `replaces` that the shrink guard also compares with what they held before the load.
    public var shrinkTables: [TableName] = []

    /// The declared table (a contract of one input and its table: `ContractTable`'s use).
    var table: TableName { declaredTable ?? TableName(schema: "pg_temp", name: name) }
    var input: ContractInput { inputs[0] }
    public var fields: [ContractField] { inputs[0].fields }
    var missingValues: [String] { inputs[0].missingValues }
}

/// A schema-qualified table name; both parts are plain lower-case identifiers.
public struct TableName: Sendable, Equatable, CustomStringConvertible {
    public let schema: String
    public let name: String

    public init(schema: String, name: String) {
        self.schema = schema
        self.name = name
    }

    public var description: String { "\(schema).\(name)" }
}

/// How a load changes the contract's table, each in one transaction that readers see whole or not at all.
public enum LoadMode: Sendable, Equatable {
    /// The file's rows replace every row of the table.
    case replace
    /// The file's rows are added; a file already loaded (same sha256) is refused unless forced.
    case append
    /// Rows are matched by the primary key: new keys inserted, changed rows updated, the same rows left
    /// alone; `deleteMissing` deletes rows the file no longer has (a full snapshot); `history` keeps each
    /// version with its validity range (`valid_from`, `valid_to`) instead of updating in place.
    case merge(deleteMissing: Bool, history: Bool)
    /// Each load replaces the rows of one value of `key` (the load's `--batch`), a column the loader fills.
    case partition(key: String, type: ContractField.Kind)
    /// Each load replaces one batch of `table`, a table of sql/migrations partitioned by the batch date, its
    /// batch written into a table of its own and swapped in; `delete` removes the replaced batch's rows of
    /// other tables first.
    case batchPartition(table: TableName, delete: String)

    public var name: String {
        switch self {
        case .replace: "replace"
        case .append: "append"
        case .merge: "merge"
        case .partition, .batchPartition: "partition"
        }
    }
}

/// One input of a contract: where its rows come from, their fields, and where they are copied.
public struct ContractInput: Sendable {
    public let name: String
    public enum Format: Sendable, Equatable {
        /// CSV in `dialect`; with header rows, they name the fields (matched by name, in any order), else the
        /// fields are the contract's, in order.
        case csv(CSVDialect)
        /// The objects of the array at `path` (keys from the top) of a JSON document; `numbers` are the keys
        /// whose values are JSON numbers.
        case json(path: [String], numbers: [String])
        /// A table of a SQLite database file.
        case sqlite(table: String)
    }

    /// The file read when the load names none, relative to `--data-dir`.
    public let file: String
    public let format: Format
    public let fields: [ContractField]
    /// Spellings that mean "no value" in any field (Table Schema's `missingValues`, default `[""]`); a field's
    /// own list replaces it.
    public let missingValues: [String]
    /// Keys no two rows of the file may share: the primary key, then each unique field.
    public let uniqueKeys: [[String]]
    /// Where the rows go when the contract declares no table: a table of sql/migrations (or `pg_temp` for a
    /// staging table) and its columns for the fields, in order.
    public let copy: (table: TableName, columns: [String])?
    /// The columns that take each row's line in the file and, for a JSON input, its record's position in the array.
    public let lineColumn: String
    public let positionColumn: String
    /// Columns filled with the same value in every row (the batch, the file's name), before the fields.
    public let constants: [(column: String, value: LoadConstant)]
    /// The schema whose tables, named as the category fields, hold each category's id, label and spelling.
    public let categories: String?
    /// Scripts run in the load's transaction before the COPY and after the rows are in, read with the
    /// contract (paths relative to it).
    public let before: [LoadScript]
    public let after: [LoadScript]
}

/// One field of the input and column of the table.
public struct ContractField: Sendable {
    /// Table Schema's field types that pgpipe loads, and the column type each becomes.
    public enum Kind: String, Sendable, CaseIterable {
        case string, integer, number, boolean, date, datetime

        public var columnType: String {
            switch self {
            case .string: "text"
            case .integer: "bigint"
            case .number: "numeric"
            case .boolean: "boolean"
            case .date: "date"
            case .datetime: "timestamp with time zone"
            }
        }
    }

    public let name: String
    public let kind: Kind
    /// A date's pattern (`%d/%m/%Y`); nil for ISO.
    public let datePattern: DatePattern?
    public let required: Bool
    public let unique: Bool
    public let constraints: ValueConstraints
    /// A boolean's spellings (Table Schema's `trueValues`, `falseValues`).
    public let trueValues: [String]
    public let falseValues: [String]
    public let description: String?
    /// The field's own missing values, replacing the input's.
    public let missingValues: [String]?
    /// A category normalised into a lookup table (the input's `categories` schema), sent as its label's id.
    public let category: Bool
    /// A key resolved to the id of the row it names, through a query read with the contract.
    public let reference: Reference?
    /// The longest value accepted, in bytes (a value bound for a btree index); keyed text gets one by itself.
    public let maxBytes: Int?
    /// A date that may not be after the day of the load (a birth date).
    public let notInFuture: Bool
}

/// Table Schema's foreign key: the fields of this table that must name a row of another contract's table.
public struct ForeignKey: Sendable {
    public let fields: [String]
    /// The referenced table, and its fields (its primary key or a unique field).
    public let table: TableName
    public let referencedFields: [String]
}
