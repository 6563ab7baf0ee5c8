import Validation

/// A dataset declared in a file (datasets/*.yaml): the table it fills, its input and the fields of each row
/// in the vocabulary of Frictionless Table Schema, and how a load changes the table. `ContractReader` reads
/// one, `ContractTable` plans its DDL, `Contract.dataset` makes the loader's `Dataset` of it.
public struct Contract: Sendable {
    /// The contract file, for messages.
    public let file: String
    public let name: String
    public let description: String?
    public let table: TableName
    public let mode: LoadMode
    public let input: ContractInput
    public let fields: [ContractField]
    /// Spellings that mean "no value" in any field (Table Schema's `missingValues`, default `[""]`).
    public let missingValues: [String]
    public let primaryKey: [String]
    public let foreignKeys: [ForeignKey]
    /// Scripts run in the load's transaction before the COPY and after the rows are in (paths as written in
    /// the contract, relative to its folder).
    public let before: String?
    public let after: String?
    /// A load's defaults, which `--max-rejects` and `--shrink-limit` override.
    public let maxRejects: Int
    public let shrinkLimit: Int?
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

    public var name: String {
        switch self {
        case .replace: "replace"
        case .append: "append"
        case .merge: "merge"
        case .partition: "partition"
        }
    }
}

/// Where a contract's rows come from.
public struct ContractInput: Sendable {
    public enum Format: Sendable, Equatable {
        /// CSV; with `header`, its first row names the fields (matched by name, in any order), else the fields
        /// are the contract's, in order.
        case csv(header: Bool)
        /// The objects of the array at `path` (keys from the top) of a JSON document.
        case json(path: [String])
        /// A table of a SQLite database file.
        case sqlite(table: String)
    }

    /// The file read when the load names none, relative to `--data-dir`.
    public let file: String
    public let format: Format
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
}

/// Table Schema's foreign key: the fields of this table that must name a row of another contract's table.
public struct ForeignKey: Sendable {
    public let fields: [String]
    /// The referenced table, and its fields (its primary key or a unique field).
    public let table: TableName
    public let referencedFields: [String]
}
