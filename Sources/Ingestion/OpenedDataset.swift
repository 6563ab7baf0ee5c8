import Failures
import Records
import Validation

/// A dataset's input files, opened and their headers checked, before the database is touched: a missing
/// file or a wrong header stops the run with nothing changed.
public struct OpenedDataset {
    struct OpenInput {
        let input: DatasetInput
        let file: FileInput
        let source: RecordSource
        var validator: RowValidator
    }

    public let dataset: Dataset
    var inputs: [OpenInput]

    /// The files read, so that no output of the run is written over one of them.
    public var inputIdentities: [FileIdentity] { inputs.map(\.file.identity) }

    /// `files` maps input names to paths; an input not named there is read from its default file name in
    /// `dataDirectory`.
    public init(_ dataset: Dataset, dataDirectory: String, files: [String: String] = [:]) throws {
        self.dataset = dataset
        inputs = try dataset.inputs.map { input in
            let file = try FileInput(path: files[input.name] ?? "\(dataDirectory)/\(input.defaultFile)")
            let source: RecordSource = switch input.format {
            case .csv(let dialect):
                try CSVSource(input: file, dialect: dialect, header: dialect.headerRows == 0 || !dialect.matchByName ? input.columns.map(\.name) : nil)
            case .sqlite(let table):
                // SQLite reads the file itself; the file is read here only for the ledger's sha256 and size.
                try { try file.readToEnd(); return try SQLiteSource(path: file.path, table: table) }()
            case .jsonRecords(let path, let numbers):
                try JSONRecordSource(input: file, path: path, columns: input.columns.map(\.name), numbers: numbers)
            }
            let validator = try RowValidator(name: input.name, columns: input.columns, uniqueKeys: input.uniqueKeys, source: source)
            return OpenInput(input: input, file: file, source: source, validator: validator)
        }
    }
}
