import Foundation
import Reporting
import Testing

@Suite struct ReportFormatTests {
    /// Three rows of every kind of column, with NULLs, NaN, quotes, commas and a line break.
    let table = Table(
        columns: [
            Table.Column("i", .integer), Table.Column("n", .decimal), Table.Column("b", .boolean), Table.Column("s"),
            Table.Column("j", .json), Table.Column("d"), Table.Column("f", .decimal),
        ],
        values: [
            ["1", "2.50", "t", "plain", #"{"a": [1]}"#, "2001-02-03", "NaN"],
            [nil, nil, "f", "Zoë, \"quoted\"\nline", nil, nil, "1.5"],
            ["3", "-0.1", nil, "", "null", nil, nil],
        ])

    @Test func test_json_types_values_from_column_kinds() throws {
        let json = String(decoding: try ReportFormat.json(table, shape: .rows, report: "t"), as: UTF8.self)
        #expect(json == #"[{"i":1,"n":2.50,"b":true,"s":"plain","j":{"a": [1]},"d":"2001-02-03","f":null},"#
            + #"{"i":null,"n":null,"b":false,"s":"Zoë, \"quoted\"\nline","j":null,"d":null,"f":1.5},"#
            + #"{"i":3,"n":-0.1,"b":null,"s":"","j":null,"d":null,"f":null}]"#)
    }

    @Test func test_csv_quotes_per_rfc4180_and_tells_null_from_empty() {
        let csv = String(decoding: ReportFormat.csv(table), as: UTF8.self)
        #expect(csv == "i,n,b,s,j,d,f\r\n1,2.50,true,plain,\"{\"\"a\"\": [1]}\",2001-02-03,NaN\r\n"
            + ",,false,\"Zoë, \"\"quoted\"\"\nline\",,,1.5\r\n3,-0.1,,\"\",null,,\r\n")
    }

    @Test func test_object_shape_maps_first_column_to_second_in_row_order() throws {
        let pairs = Table(columns: [Table.Column("k"), Table.Column("v", .integer)], values: [["Scotland", "8048"], ["Northern Ireland", "1952"]])
        let json = String(decoding: try ReportFormat.json(pairs, shape: .object, report: "t"), as: UTF8.self)
        #expect(json == #"{"Scotland":8048,"Northern Ireland":1952}"#)
    }

    @Test func test_object_shape_refuses_repeated_or_null_keys_and_wrong_width() throws {
        let repeated = Table(columns: [Table.Column("k"), Table.Column("v", .integer)], values: [["a", "1"], ["a", "2"]])
        let error = try #require(throws: ReportError.self) { try ReportFormat.json(repeated, shape: .object, report: "t") }
        #expect(error.description == "report t returns a NULL or repeated key on row 2")
        let null = Table(columns: [Table.Column("k"), Table.Column("v", .integer)], values: [[nil, "1"]])
        #expect(throws: ReportError.self) { try ReportFormat.json(null, shape: .object, report: "t") }
        let wide = Table(columns: [Table.Column("a"), Table.Column("b"), Table.Column("c")], values: [["1", "2", "3"]])
        let wrongWidth = try #require(throws: ReportError.self) { try ReportFormat.json(wide, shape: .object, report: "t") }
        #expect(wrongWidth.description == "report t is `format: object` but returns 3 columns, not 2 (key, value)")
    }

    @Test func test_report_header_comments_set_shape_and_description() {
        let report = Report(name: "r", sql: "-- People per country.\n-- format: object\nSELECT 'a', 1")
        #expect(report.shape == .object)
        #expect(report.description == "People per country.")
        #expect(Report(name: "r", sql: "SELECT 1").shape == .rows)
    }

    @Test func test_weekly_page_escapes_labels_and_draws_one_chart_per_figure() {
        let summary = Table(
            columns: ["week", "people", "age_mean", "age_q1", "age_median", "age_q3", "share_over_50k", "predicted_share_over_50k"]
                .map { Table.Column($0, $0 == "week" ? .text : .decimal) },
            values: [["2026-W47", "100", "40", "30", "40", "50", "0.1", "0.12"]])
        let shares = Table(
            columns: [Table.Column("week"), Table.Column("attribute"), Table.Column("category"), Table.Column("share", .decimal)],
            values: [["2026-W47", "sex", "<Female & co>", "0.5"]])
        let performance = Table(
            columns: ["model", "model_version", "batch_date", "reference_batch", "accuracy", "roc_auc", "log_loss", "actual_positive_rate",
                      "predicted_positive_rate", "max_psi", "most_drifted_input", "accuracy_change", "accuracy_dropped", "drifted"].map { Table.Column($0) },
            values: [["m", "1", "2026-11-20", "2026-11-20", "0.95", "0.9", "0.15", "0.06", "0.05", "0", nil, "0", "f", "f"],
                     ["m", "1", "2026-11-21", "2026-11-20", "0.9", "0.9", "0.2", "0.06", "0.05", "0.7", "<edu>", "-0.05", "t", "t"]])
        let page = WeeklyReportPage.render(["weekly_summary": summary, "weekly_shares": shares, "model_performance": performance])
        #expect(page.contains("&lt;Female &amp; co&gt;"))
        #expect(!page.contains("<Female") && !page.contains("<edu>"))
        #expect(page.components(separatedBy: "<figure>").count - 1 == 3 + 5 + 4)
        #expect(page.contains("inputs drifted: &lt;edu&gt; moved most (PSI 0.70, above 0.2); accuracy dropped to 90.0 % (-5.0 points against the reference day)"))
        #expect(page.contains("Week 2026-W47: 100 people represented, 10.0 % earn over 50,000."))
    }
}
