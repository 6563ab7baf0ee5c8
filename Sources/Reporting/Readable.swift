import Foundation

/// Numbers as a reader wants them on a page: 17.3 M people, 6.7 %, +0.3 points, 16,583.
enum Readable {
    /// 16,583.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        let grouped = digits.reversed().enumerated().map { $0.offset > 0 && $0.offset % 3 == 0 ? ",\($0.element)" : "\($0.element)" }
        return (value < 0 ? "-" : "") + String(grouped.joined().reversed())
    }

    /// 17.3 M, 812 k, 950: three significant figures at most.
    static func people(_ value: Double) -> String {
        switch abs(value) {
        case 1e9...: String(format: "%.1f bn", value / 1e9)
        case 1e7...: String(format: "%.0f M", value / 1e6)
        case 1e6...: String(format: "%.1f M", value / 1e6)
        case 1e4...: String(format: "%.0f k", value / 1e3)
        case 1e3...: String(format: "%.1f k", value / 1e3)
        default: String(format: "%.0f", value)
        }
    }

    /// A fraction as a percentage: 6.7 % (two decimals below 0.1 %, so a small share is not 0.0 %).
    static func percent(_ fraction: Double, digits: Int = 1) -> String {
        fraction != 0 && abs(fraction) < 0.001 ? String(format: "%.2f %%", fraction * 100) : String(format: "%.\(digits)f %%", fraction * 100)
    }

    /// A change of a share, in percentage points: +0.3 points.
    static func points(_ change: Double) -> String {
        String(format: "%+.1f points", change * 100)
    }

    /// A relative change: +4.2 %.
    static func change(_ ratio: Double) -> String {
        String(format: "%+.1f %%", ratio * 100)
    }
}
