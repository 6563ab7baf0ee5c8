import ArgumentParser
import Validation

extension CalendarDate {
    /// Parses an option's value at the boundary: a real date written YYYY-MM-DD, or a usage error saying so.
    static func argument(_ text: String) throws -> CalendarDate {
        guard let date = CalendarDate(iso: text) else { throw ValidationError("expected a real date written YYYY-MM-DD") }
        return date
    }
}

/// `--file INPUT=PATH`: read one input of the dataset from another file.
struct InputFile: ExpressibleByArgument {
    let input: String
    let path: String

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        (input, path) = (parts[0], parts[1])
    }
}
