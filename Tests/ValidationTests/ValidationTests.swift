@testable import Validation
import Testing

@Suite struct ValidationTests {
    let context = ValidationContext(today: CalendarDate(year: 2026, month: 11, day: 22)!)

    func verdict(_ type: FieldType, _ bytes: [UInt8]) -> String? {
        if case .invalid(let reason) = type.validate(bytes[...], context: context) { return reason }
        return nil
    }

    func verdict(_ type: FieldType, _ text: String) -> String? {
        verdict(type, Array(text.utf8))
    }

    @Test func test_real_calendar_dates_pass() {
        for date in ["2024-02-29", "2000-02-29", "0001-01-01", "1842-09-30", "2026-11-22"] {
            #expect(verdict(.pastDate, date) == nil, "\(date)")
        }
    }

    @Test func test_impossible_dates_are_rejected() {
        #expect(verdict(.pastDate, "1990-02-30") == "no such calendar date")
        #expect(verdict(.pastDate, "1900-02-29") == "no such calendar date")
        #expect(verdict(.pastDate, "2023-04-31") == "no such calendar date")
        #expect(verdict(.pastDate, "0000-01-01") == "no such calendar date")
        #expect(verdict(.pastDate, "1990-13-01") == "no such calendar date")
    }

    @Test func test_malformed_and_future_dates_are_rejected() {
        for date in ["1990-1-01", "01/02/1990", "1990-01-01 ", "", "１９９０-01-01", "+990-01-01"] {
            #expect(verdict(.pastDate, date) == "not a date in the form YYYY-MM-DD", "\(date)")
        }
        #expect(verdict(.pastDate, "2026-11-23") == "date is in the future (after 2026-11-22)")
    }

    /// The COPY text an integer field becomes: its own bytes when Postgres would print the value so, else
    /// the value as Postgres prints it.
    func integerText(_ text: String) -> String? {
        switch FieldType.integer(-1000...1000).validate(Array(text.utf8)[...], context: context) {
        case .verbatim: text
        case .text(let value): value
        default: nil
        }
    }

    @Test func test_integers_are_sent_as_postgres_prints_them() {
        for (field, sent) in [("0", "0"), ("7", "7"), ("-12", "-12"), ("1000", "1000"), (" 01", "1"), ("+5", "5"), ("-0", "0"),
                              ("007 ", "7"), ("-0012", "-12"), (" -3", "-3")] {
            #expect(integerText(field) == sent, "\(field)")
        }
        for field in ["", " ", "-", "+", "1.0", "1e3", "0x10", "1 2", "--1", "１"] {
            #expect(verdict(.integer(-1000...1000), field) == "not a whole number", "\(field)")
        }
        #expect(verdict(.integer(-1000...1000), "1001") == "1001 is outside -1000...1000")
        #expect(verdict(.integer(0...10), "-0") == nil)
        #expect(verdict(.integer(0...Int.max), "999999999999999999") == nil)
        #expect(verdict(.integer(0...Int.max), "9999999999999999999") == "not a whole number")
    }

    @Test func test_required_text_must_not_be_empty() {
        #expect(verdict(.text, "") == "required text is empty")
        #expect(verdict(.text, " ") == nil)
        #expect(verdict(.optionalText, "") == nil)
    }

    @Test func test_invalid_utf8_is_rejected_with_its_byte_position() {
        #expect(verdict(.text, [0xC0, 0x80]) == "invalid UTF-8 at byte 1 of the field")          // overlong NUL
        #expect(verdict(.text, Array("ab".utf8) + [0xE2, 0x82]) == "invalid UTF-8 at byte 3 of the field")  // truncated
        #expect(verdict(.text, Array("Zo".utf8) + [0x80]) == "invalid UTF-8 at byte 3 of the field")  // lone continuation
        #expect(verdict(.text, [0xED, 0xA0, 0x80]) == "invalid UTF-8 at byte 1 of the field")     // surrogate
        #expect(verdict(.text, [0xF4, 0x90, 0x80, 0x80]) == "invalid UTF-8 at byte 1 of the field")  // past U+10FFFF
        #expect(verdict(.text, Array("Σω".utf8) + [0xFF]) == "invalid UTF-8 at byte 5 of the field")
        #expect(verdict(.text, "Σωκράτης ნინო 王秀英 😀") == nil)
    }

    @Test func test_nul_byte_is_rejected() {
        #expect(verdict(.text, [UInt8(ascii: "a"), 0, UInt8(ascii: "b")]) == "NUL byte at byte 2 of the field")
    }

    @Test func test_reject_raw_text_shows_bad_bytes_as_replacement_characters() {
        let reject = Reject(source: "f.csv", line: 3, field: nil, reason: "r", raw: [UInt8(ascii: "a"), 0, 0xFF])
        #expect(reject.raw == "a\u{FFFD}\u{FFFD}")
    }
}
