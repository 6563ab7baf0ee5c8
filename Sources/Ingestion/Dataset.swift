/// A dataset: a named set of inputs loaded together into the tables it owns. Each load replaces the
/// dataset's previous data (or one batch of it) in one transaction, so re-running a load leaves the
/// database as one run did.
public struct Dataset: Sendable {
    public let name: String
    public let summary: String
    /// Loaded in this order; a later input may reference tables an earlier one filled.
    public let inputs: [DatasetInput]
    public let replacement: Replacement
    /// Tables the load's transforms fill whose row counts the shrink guard compares too, with what they held
    /// before the load: a delivery of as many rows that the cleaning turns into far fewer is refused as well.
    public var shrinkTables: [String] = []
}

import Records
import Validation

/// One input file of a dataset: its columns and their types, and where its valid rows go.
public struct DatasetInput: Sendable {
    public let name: String
    /// The file looked for in the data directory when none is given.
    public let defaultFile: String
    public let format: SourceFormat
    public let columns: [Column]
    /// Rows whose values in one of these keys (each a list of columns) repeat an earlier row's are rejected
    /// as duplicates.
    public let uniqueKeys: [[String]]
    /// The table COPY fills (schema and name; `pg_temp` for a staging table), and its columns in the order of
    /// `columns`, then one for the source line (and for a JSON source one for the record's position).
    public let copyTable: (schema: String, name: String)
    public let copyColumns: [String]
    /// Scripts run in the load's transaction before the COPY (a staging table, say) and after it (normalising).
    public let before: [LoadScript]
    public let after: [LoadScript]
    /// The schema whose tables, named as the input's category columns, hold each category's `id`, trimmed
    /// `label` and `spelling`: a category column is sent to COPY as its label's id (a label the file adds
    /// joins the table before commit), and a label that differs from a known one only in case is rejected.
    public var categoryLookups: String? = nil
    /// Columns COPY fills with the same value in every row, before the record's own columns.
    public var copyConstants: [(column: String, value: LoadConstant)] = []
}

/// SQL a load runs around an input's COPY.
public enum LoadScript: Sendable {
    /// A script of sql/transforms.
    case transform(String)
    /// SQL text: a contract's own script (read when the contract is), or a statement made from it.
    case sql(String)
}

/// A value that is the same for every row of a load.
public enum LoadConstant: Sendable {
    /// The batch the load replaces (`current_setting('pgpipe.batch')` in its SQL).
    case batch
    /// The file being loaded, as the ledger names it.
    case sourceFile
}

/// What a load replaces. SQL of the dataset can read the load's batch key as
/// `current_setting('pgpipe.batch')` and the file being loaded as `current_setting('pgpipe.source_file')`.
public enum Replacement: Sendable {
    /// Every load replaces all of these tables: they are truncated with identities restarted, and the
    /// foreign keys among them are dropped for the COPY and added back (validated) before commit.
    case everything(tables: [String])
    /// Each load replaces one batch, named by the load's batch key, and each batch is a partition of
    /// `partitionOf`. An input whose `copyTable` is `partitionOf` is written into the batch's
    /// `<partitionOf>_incoming_YYYYMMDD`, a table of its own without per-row key checks, which replaces the
    /// batch's partition before commit (its keys checked as it is attached). `delete` (a script, read
    /// with the contract) removes, just before the swap, the rows of other tables that describe the replaced
    /// batch. Other batches stay, and batches of different dates load at the same time.
    case batch(partitionOf: (schema: String, table: String), delete: String)
    /// Each load replaces the rows of `table` whose `column` holds the load's batch key: they are deleted and
    /// the file's rows copied in, in one transaction (a contract's `partition` mode).
    case batchRows(table: TableName, column: String)
    /// Nothing is removed: the file's rows are added to `table` (a contract's `append` mode). With
    /// `refuseRepeats`, a file whose sha256 a committed load of the dataset already had is refused.
    case none(table: TableName, refuseRepeats: Bool)
    /// The file's rows, staged, are merged into the contract's table by its primary key (`ContractMerge`).
    case merge(ContractMerge, table: TableName)
}

public enum SourceFormat: Sendable, Equatable {
    /// CSV in `dialect`: with header rows, they name the columns, matched by name in any order; without,
    /// the fields are the input's columns, in order.
    case csv(CSVDialect)
    /// A table of a SQLite database file; its columns are matched by name like a CSV header.
    case sqlite(table: String)
    /// The objects of the array at `path` (object keys from the top) of a JSON document, keyed by the
    /// input's columns; `numbers` names the keys holding JSON numbers, the others hold strings. The COPY
    /// table takes each record's position in the array after its line.
    case jsonRecords(path: [String], numbers: Set<String>)
}

extension Replacement {
    /// Whether a load adds rows to what a table has (whose keys may clash with the file's) rather than
    /// replacing them.
    var adds: Bool {
        switch self {
        case .none: true
        default: false
        }
    }
}

extension Dataset {
    /// The same dataset, replacing differently (an append told to take a file again).
    public func replacing(_ replacement: Replacement) -> Dataset {
        Dataset(name: name, summary: summary, inputs: inputs, replacement: replacement)
    }
}
