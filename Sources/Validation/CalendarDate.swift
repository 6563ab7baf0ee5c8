/// A date written YYYY-MM-DD and checked against the real calendar (leap years included).
public struct CalendarDate: Comparable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// Parses `YYYY-MM-DD`; nil unless it is a real calendar date.
    public init?(iso text: String) {
        let read = Array(text.utf8).withUnsafeBufferPointer { Self.read($0, latest: Self.latest) }
        guard case .success(let date) = read else { return nil }
        self = date
    }

    /// The last date a date column holds here.
    public static let latest = CalendarDate(year: 9999, month: 12, day: 31)!

    /// Today in UTC, the day a birth date may not be after.
    public static func today() -> CalendarDate {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return CalendarDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))!
    }

    /// The date `days` later (earlier when negative); nil past the years 1 to 9999.
    public func adding(days: Int) -> CalendarDate? {
        var (year, month, day) = (self.year, self.month, self.day + days)
        while day > Self.daysIn(month: month, year: year) {
            day -= Self.daysIn(month: month, year: year)
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
        while day < 1 {
            (year, month) = month == 1 ? (year - 1, 12) : (year, month - 1)
            day += Self.daysIn(month: month, year: year)
        }
        return CalendarDate(year: year, month: month, day: day)
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: width - String(n).count) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Why a field is not a date that is allowed.
    struct Problem: Error {
        let reason: String
    }

    /// The date `digits` spell (YYYY-MM-DD) when it is a real date no later than `latest`, else the reason.
    static func read(_ digits: UnsafeBufferPointer<UInt8>, latest: CalendarDate) -> Result<CalendarDate, Problem> {
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in digits[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard digits.count == 10, digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10)
        else { return .failure(Problem(reason: "not a date in the form YYYY-MM-DD")) }
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            return .failure(Problem(reason: "no such calendar date"))
        }
        guard date <= latest else { return .failure(Problem(reason: "date is in the future (after \(latest))")) }
        return .success(date)
    }

    /// Days from 2000-01-01 (negative before it), the count Postgres keeps a date as.
    public var daysSince2000: Int { Self.dayNumber(self) - Self.dayNumber2000 }

    private static let dayNumber2000 = dayNumber(CalendarDate(year: 2000, month: 1, day: 1)!)

    /// Days from 0000-03-01 in the proleptic Gregorian calendar, counting years from March, so that a leap
    /// day is the last of its year.
    private static func dayNumber(_ date: CalendarDate) -> Int {
        let year = date.month <= 2 ? date.year - 1 : date.year
        let month = date.month <= 2 ? date.month + 9 : date.month - 3
        return 365 * year + year / 4 - year / 100 + year / 400 + (153 * month + 2) / 5 + date.day - 1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
