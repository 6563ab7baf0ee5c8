/// A dataset's input files, opened and their headers checked, before the database is touched: a missing
/// file or a wrong header stops the run with nothing changed.
public struct OpenedDataset {
    struct OpenInput {
        let input: Input
        let file: FileInput
        let source: RecordSource
        var validator: RowValidator
    }

    public let dataset: Dataset
    var inputs: [OpenInput]

    /// `files` maps input names to paths; an input not named there is read from its default file name in
    /// `dataDirectory`.
    public init(_ dataset: Dataset, dataDirectory: String, files: [String: String] = [:]) throws {
        self.dataset = dataset
        inputs = try dataset.inputs.map { input in
            let file = try FileInput(path: files[input.name] ?? "\(dataDirectory)/\(input.defaultFile)")
            let source = switch input.format {
            case .csvWithHeader: try CSVSource(input: file)
            case .csvWithoutHeader: try CSVSource(input: file, header: input.columns.map(\.name))
            }
            return OpenInput(input: input, file: file, source: source, validator: try RowValidator(input: input, source: source))
        }
    }
}
