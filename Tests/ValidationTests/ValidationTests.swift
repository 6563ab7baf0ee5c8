import Formats
import Foundation
import Records
@testable import Validation
import Testing

@Suite struct ValidationTests {
    let context = ValidationContext(today: CalendarDate(year: 2026, month: 11, day: 22)!)

    /// The COPY text a field becomes (`\\N` for NULL), or why it is rejected.
    func encoded(_ type: FieldType, _ bytes: [UInt8]) -> Result<String, Rejected> {
        var row: [UInt8] = []
        switch bytes.withUnsafeBufferPointer({ type.encode($0, trimmed: $0.trimmingSpaces(), context: context, into: &row) }) {
        case .value: return .success(String(decoding: row, as: UTF8.self))
        case .null: return .success("\\N")
        case .invalid(let reason): return .failure(Rejected(reason: reason))
        }
    }

    struct Rejected: Error { let reason: String }

    func verdict(_ type: FieldType, _ bytes: [UInt8]) -> String? {
        if case .failure(let rejected) = encoded(type, bytes) { return rejected.reason }
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
        try? encoded(.integer(-1000...1000), Array(text.utf8)).get()
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

    /// ASCII is checked a word at a time: a NUL or a byte of 0x80 or more at any place of a word or of the
    /// tail after the last whole word is found, and every other ASCII byte (0x01, 0x7F, next to NUL) passes.
    @Test func test_ascii_check_finds_nul_and_high_bytes_at_every_offset() {
        for length in 1...20 {
            for place in 0..<length {
                for bad: UInt8 in [0, 0x80, 0xFF] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[place] = bad
                    #expect(bytes.withUnsafeBufferPointer(UTF8Check.isPlainASCII) == false, "\(length) \(place) \(bad)")
                }
                var edges = [UInt8](repeating: 0x01, count: length)
                edges[place] = 0x7F
                #expect(edges.withUnsafeBufferPointer(UTF8Check.isPlainASCII), "\(length) \(place)")
            }
        }
        #expect(verdict(.text, Array("abcdefgh".utf8) + [0] + Array("ij".utf8)) == "NUL byte at byte 9 of the field")
    }

    @Test func test_values_are_sent_as_copy_text() throws {
        #expect(try encoded(.text, Array("a\tb\\c\nd".utf8)).get() == "a\\tb\\\\c\\nd")
        #expect(try encoded(.optionalText, []).get() == "\\N")
        #expect(try encoded(.rawText, []).get() == "")
        #expect(try encoded(.pastDate, Array("2024-02-29".utf8)).get() == "2024-02-29")
        #expect(try encoded(.choice(["50000+.": "true", "- 50000.": "false"]), Array(" - 50000. ".utf8)).get() == "false")
        #expect(verdict(.choice(["y": "true", "n": "false"]), "yes") == "\"yes\" is not one of \"n\", \"y\"")
        #expect(try encoded(.category, Array(" Not in universe ".utf8)).get() == "Not in universe")
        #expect(verdict(.category, "  ") == "required category is blank")
    }

    @Test func test_decimals_are_sent_trimmed_and_checked_like_postgres_numeric() throws {
        for (field, sent) in [("1032.38", "1032.38"), (" 0.5 ", "0.5"), (".5", ".5"), ("-0.00", "-0.00"), ("12", "12"), ("+3.25", "+3.25")] {
            #expect(try encoded(.decimal(nonNegative: true), Array(field.utf8)).get() == sent, "\(field)")
        }
        for field in ["", ".", "5.", "1e3", "1.2.3", "-.5", "1,5", "0x1", "1. 5"] {
            #expect(verdict(.decimal(nonNegative: false), field) == "not a decimal number", "\(field)")
        }
        #expect(verdict(.decimal(nonNegative: true), "-0.01") == "-0.01 is below 0")
        #expect(verdict(.decimal(nonNegative: false), "-0.01") == nil)
    }

    /// Binary COPY keeps a date as days from 2000-01-01: the count moves by one from each day to the next,
    /// over four centuries of leap years, and matches Python's `date` arithmetic at a few known days.
    @Test func test_dates_count_days_from_2000() throws {
        for (text, days) in [("2000-01-01", 0), ("1999-12-31", -1), ("2000-03-01", 60), ("1970-01-01", -10957), ("2024-02-29", 8825),
                             ("0001-01-01", -730119), ("9999-12-31", 2921939), ("1990-05-17", -3516)] {
            #expect(try #require(CalendarDate(iso: text)).daysSince2000 == days, "\(text)")
        }
        var date = try #require(CalendarDate(iso: "1600-01-01")), days = date.daysSince2000
        while date.year < 2400 {
            date = try #require(date.adding(days: 1))
            days += 1
            guard date.daysSince2000 == days else {
                Issue.record("\(date) is \(date.daysSince2000) days from 2000-01-01, expected \(days)")
                return
            }
        }
    }

    @Test func test_values_in_binary_copy_take_their_columns_binary_forms() {
        func binary(_ type: FieldType, _ text: String, as column: CopyBinary.ColumnType) -> [UInt8]? {
            var row: [UInt8] = []
            let bytes = Array(text.utf8)
            let format = CopyRowFormat(binaryTypes: [column])
            guard case .value = bytes.withUnsafeBufferPointer({ type.encode($0, trimmed: $0.trimmingSpaces(), context: context, into: &row, as: format) })
            else { return nil }
            return row
        }
        #expect(binary(.integer(-1000...1000), " -2 ", as: .int2) == [0xFF, 0xFE])
        #expect(binary(.integer(0...1000), "258", as: .int4) == [0, 0, 1, 2])
        #expect(binary(.integer(0...1000), "007", as: .int8) == [0, 0, 0, 0, 0, 0, 0, 7])
        #expect(binary(.pastDate, "2000-01-02", as: .date) == [0, 0, 0, 1])
        #expect(binary(.pastDate, "1999-12-31", as: .date) == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(binary(.text, "tab\there", as: .text) == Array("tab\there".utf8))  // no escapes in binary
        // Only what has a binary form is written so; an integer type that could not hold the range is refused.
        #expect(FieldType.integer(0...Int(Int32.max)).writes(binary: .int2) == false)
        #expect(FieldType.integer(0...Int(Int16.max)).writes(binary: .int2))
        #expect(FieldType.decimal(nonNegative: true).writes(binary: .int8) == false)
        #expect(FieldType.pastDate.writes(binary: .date) && FieldType.pastDate.writes(binary: .text))
        #expect(FieldType.text.writes(binary: .date) == false)
    }

    @Test func test_label_table_finds_every_label_it_holds_and_no_other() {
        var table = LabelTable()
        // Labels alike in length and in their first and last eight bytes collide in the hash and are told
        // apart by their bytes; the table grows past its first size.
        let labels = (0..<200).map { "Not in universe \($0 % 10) or children \($0)" } + ["", "a", "Male", "Female"]
        for (id, label) in labels.enumerated() {
            Array(label.utf8).withUnsafeBufferPointer { table.insert($0, id: id + 1) }
        }
        #expect(table.count == labels.count)
        for (id, label) in labels.enumerated() {
            #expect(Array(label.utf8).withUnsafeBufferPointer { table.id(of: $0) } == id + 1, "\(label)")
        }
        for missing in ["male", "Not in universe 1 or children 2", "Femal", "Female "] {
            #expect(Array(missing.utf8).withUnsafeBufferPointer { table.id(of: $0) } == nil, "\(missing)")
        }
    }

    @Test func test_row_validator_writes_accepted_rows_and_takes_back_rejected_ones() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("validator-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        let lines = [
            "id,sex,age,note",
            "1,Male, 07,plain",    // a known label, an integer sent as Postgres prints it
            "2,Other,30,",         // a new label (id 3) and an empty optional text
            "3,Unknown,x,z",       // its new label is not kept: the record is rejected
            "4,Unknown,40,z",      // so this one's new label is id 4
            "5,male,50,z",         // a case variant of a known label
            "1,Other,60,z",        // a duplicate key
            "6,Other,?,tab\there", // the same new label again, a missing value, a field needing escapes
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let source = try CSVSource(input: try FileInput(path: file.path))
        var validator = try RowValidator(
            name: "test",
            columns: [Column("id", .integer(1...9)), Column("sex", .category), Column("age", .integer(0...150), missing: "?"), Column("note", .optionalText)],
            uniqueKeys: [["id"]], source: source)
        validator.knowCategoryLabels([(id: 2, label: "Female"), (id: 1, label: "Male")], column: "sex")
        // After one constant column; the caller ends each row.
        let written = validator.write(as: .text, firstColumn: 1)
        #expect(written)
        var row = Array("prefix".utf8)
        var verdicts: [String] = []
        while let record = try source.next() {
            switch validator.check(record, context: context, appendingTo: &row) {
            case .accepted: row.append(contentsOf: "|".utf8)
            case .rejected(let field, let reason): verdicts.append("\(record.line) \(field ?? "-"): \(reason)")
            }
        }
        #expect(String(decoding: row, as: UTF8.self)
            == "prefix\t1\t1\t7\tplain|\t2\t3\t30\t\\N|\t4\t4\t40\tz|\t6\t3\t\\N\ttab\\there|")
        #expect(verdicts == [
            "4 age: not a whole number",
            "6 sex: category \"male\" differs from the known \"Male\" only in upper and lower case",
            "7 -: duplicate of line 2 (id)",
        ])
        #expect(validator.addedCategories[1].map { "\($0.id) \($0.label)" } == ["3 Other", "4 Unknown"])
    }

    /// In binary COPY each value is its length and its bytes (-1 for NULL); a rejected record leaves
    /// nothing, and duplicates are found by the values as sent.
    @Test func test_row_validator_writes_binary_copy_fields() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("validator-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try "id,sex,born,note\n7,Male,2000-01-02,\n8,Nobody,2000-01-01,x\n07,Male,1999-12-31,a\tb\n9,Male,2000-02-30,\n".write(to: file, atomically: true, encoding: .utf8)
        let source = try CSVSource(input: try FileInput(path: file.path))
        var validator = try RowValidator(
            name: "test",
            columns: [Column("id", .integer(1...9)), Column("sex", .category), Column("born", .pastDate), Column("note", .optionalText)],
            uniqueKeys: [["id"]], source: source)
        validator.knowCategoryLabels([(id: 1, label: "Male")], column: "sex")
        let binary = validator.write(as: CopyRowFormat(binaryTypes: [.int2, .int4, .date, .text]), firstColumn: 0)
        #expect(binary)
        var row: [UInt8] = []
        var rejected: [String] = []
        while let record = try source.next() {
            if case .rejected(_, let reason) = validator.check(record, context: context, appendingTo: &row) { rejected.append("\(record.line): \(reason)") }
        }
        let first: [UInt8] = [0, 0, 0, 2, 0, 7] + [0, 0, 0, 4, 0, 0, 0, 1] + [0, 0, 0, 4, 0, 0, 0, 1] + [0xFF, 0xFF, 0xFF, 0xFF]
        let second: [UInt8] = [0, 0, 0, 2, 0, 8] + [0, 0, 0, 4, 0, 0, 0, 2] + [0, 0, 0, 4, 0, 0, 0, 0] + [0, 0, 0, 1, UInt8(ascii: "x")]
        #expect(row == first + second)
        #expect(rejected == ["4: duplicate of line 2 (id)", "5: no such calendar date"])
        #expect(validator.addedCategories[1].map(\.label) == ["Nobody"])
        // A type a value has no binary form for keeps the records in COPY text.
        var text = try RowValidator(name: "test", columns: [Column("w", .decimal(nonNegative: true))], source: CSVSource(input: try FileInput(path: file.path), header: ["w"]))
        let decimalInBinary = text.write(as: CopyRowFormat(binaryTypes: [.int8]), firstColumn: 0)
        #expect(decimalInBinary == false)
    }

    @Test func test_reject_raw_text_shows_bad_bytes_as_replacement_characters() {
        let reject = Reject(source: "f.csv", line: 3, field: nil, reason: "r", raw: [UInt8(ascii: "a"), 0, 0xFF])
        #expect(reject.raw == "a\u{FFFD}\u{FFFD}")
    }
}
