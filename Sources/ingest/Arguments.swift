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

/// Batch dates a load accepts without being told otherwise: a daily file dated 2999-01-01 or 0001-01-01 is a
/// typo, not a delivery.
enum BatchDateWindow {
    static let earliest = CalendarDate(year: 1970, month: 1, day: 1)!

    /// A year from today (UTC).
    static var latest: CalendarDate {
        let today = CalendarDate.today()
        return CalendarDate(year: today.year + 1, month: today.month, day: min(today.day, 28))!
    }

    static func check(_ date: CalendarDate, option: String, allowAny: Bool) throws {
        guard !allowAny, !(earliest...latest).contains(date) else { return }
        throw ValidationError("\(option) \(date) is outside \(earliest)...\(latest); give --any-batch-date if it is right")
    }
}
