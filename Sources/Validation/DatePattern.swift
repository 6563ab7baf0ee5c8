/// How a date is written when it is not ISO `YYYY-MM-DD`: a strftime-style pattern of `%Y` (four digits),
/// `%m` and `%d` (one or two digits) and literal characters, such as `%d/%m/%Y` (Frictionless Table Schema's
/// `format` of a date field).
public struct DatePattern: Sendable, Equatable, CustomStringConvertible {
    enum Part: Equatable {
        case year, month, day
        case literal(UInt8)
    }

    let parts: [Part]
    public let description: String

    /// Nil when the pattern uses a directive other than `%Y`, `%m`, `%d` and `%%`, or lacks one of the three.
    public init?(_ pattern: String) {
        var parts: [Part] = []
        var bytes = Array(pattern.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else { parts.append(.literal(byte)); continue }
            switch bytes.popFirst() {
            case UInt8(ascii: "Y"): parts.append(.year)
            case UInt8(ascii: "m"): parts.append(.month)
            case UInt8(ascii: "d"): parts.append(.day)
            case UInt8(ascii: "%"): parts.append(.literal(UInt8(ascii: "%")))
            default: return nil
            }
        }
        for part in [Part.year, .month, .day] where parts.filter({ $0 == part }).count != 1 { return nil }
        self.parts = parts
        description = pattern
    }

    /// The date the bytes spell in this pattern, nil unless they spell a real one.
    func read(_ bytes: UnsafeBufferPointer<UInt8>) -> CalendarDate? {
        var index = 0, year = 0, month = 0, day = 0
        func digits(_ least: Int, _ most: Int) -> Int? {
            var value = 0, count = 0
            while count < most, index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
                count += 1
            }
            return count >= least ? value : nil
        }
        for part in parts {
            switch part {
            case .year: guard let value = digits(4, 4) else { return nil }; year = value
            case .month: guard let value = digits(1, 2) else { return nil }; month = value
            case .day: guard let value = digits(1, 2) else { return nil }; day = value
            case .literal(let byte):
                guard index < bytes.count, bytes[index] == byte else { return nil }
                index += 1
            }
        }
        return index == bytes.count ? CalendarDate(year: year, month: month, day: day) : nil
    }
}

/// A date and time as ISO 8601 writes it: `YYYY-MM-DD`, `T` or a space, `HH:MM`, optional `:SS` and fraction,
/// optional `Z` or an offset `±HH`, `±HHMM`, `±HH:MM`. A value without an offset is read as UTC.
enum DateTimeText {
    static func problem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let invalid = "not a date and time in the form YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]"
        guard bytes.count >= 16 else { return invalid }
        switch CalendarDate.read(UnsafeBufferPointer(rebasing: bytes[0..<10]), latest: CalendarDate.latest) {
        case .failure(let problem): return problem.reason
        case .success: break
        }
        var index = 10
        func take(_ byte: Character) -> Bool {
            guard index < bytes.count, bytes[index] == byte.asciiValue else { return false }
            index += 1
            return true
        }
        func two(_ limit: Int) -> Bool {
            guard index + 2 <= bytes.count else { return false }
            let tens = Int(bytes[index]) - 48, ones = Int(bytes[index + 1]) - 48
            guard (0...9).contains(tens), (0...9).contains(ones), tens * 10 + ones <= limit else { return false }
            index += 2
            return true
        }
        guard take("T") || take(" "), two(23), take(":"), two(59) else { return invalid }
        if take(":") {
            guard two(59) else { return invalid }
            if take(".") {
                let start = index
                while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
                guard index > start else { return invalid }
            }
        }
        if take("Z") || index == bytes.count {
            return index == bytes.count ? nil : invalid
        }
        guard take("+") || take("-"), two(15) else { return invalid }
        if index < bytes.count {
            _ = take(":")
            guard two(59) else { return invalid }
        }
        return index == bytes.count ? nil : invalid
    }
}
