@testable import Pipeline
import Postgres
import TestSupport
import Testing

@Suite struct ReportFormatTests {
    let database: ScratchDatabase

    init() throws {
        database = try ScratchDatabase()
    }

    @Test func test_json_types_values_from_column_types_and_csv_quotes_per_rfc4180() throws {
        let result = try database.connect().query("""
            SELECT * FROM (VALUES
                (1::int4, 2.50::numeric, true, 'plain'::text, '{"a":[1]}'::jsonb, DATE '2001-02-03', 'NaN'::float8),
                (NULL, NULL, false, 'Zoë, "quoted"' || chr(10) || 'line', NULL, NULL, 1.5::float8),
                (3, -0.1, NULL, '', 'null'::jsonb, NULL, NULL)
            ) AS t(i, n, b, s, j, d, f)
            """)
        let json = String(decoding: try ReportFormat.json(result, shape: .rows, report: "t"), as: UTF8.self)
        #expect(json == #"[{"i":1,"n":2.50,"b":true,"s":"plain","j":{"a": [1]},"d":"2001-02-03","f":null},"#
            + #"{"i":null,"n":null,"b":false,"s":"Zoë, \"quoted\"\nline","j":null,"d":null,"f":1.5},"#
            + #"{"i":3,"n":-0.1,"b":null,"s":"","j":null,"d":null,"f":null}]"#)
        let csv = String(decoding: ReportFormat.csv(result), as: UTF8.self)
        #expect(csv == "i,n,b,s,j,d,f\r\n1,2.50,true,plain,\"{\"\"a\"\": [1]}\",2001-02-03,NaN\r\n"
            + ",,false,\"Zoë, \"\"quoted\"\"\nline\",,,1.5\r\n3,-0.1,,\"\",null,,\r\n")
    }

    @Test func test_object_shape_maps_first_column_to_second_in_row_order() throws {
        let result = try database.connect().query("SELECT * FROM (VALUES ('Scotland', 8048::int8), ('Northern Ireland', 1952)) t(k, v)")
        let json = String(decoding: try ReportFormat.json(result, shape: .object, report: "t"), as: UTF8.self)
        #expect(json == #"{"Scotland":8048,"Northern Ireland":1952}"#)
    }

    @Test func test_object_shape_refuses_repeated_keys_and_wrong_width() throws {
        let repeated = try database.connect().query("SELECT * FROM (VALUES ('a', 1), ('a', 2)) t(k, v)")
        #expect(throws: ReportError.self) { try ReportFormat.json(repeated, shape: .object, report: "t") }
        let wide = try database.connect().query("SELECT 1 AS a, 2 AS b, 3 AS c")
        #expect(throws: ReportError.self) { try ReportFormat.json(wide, shape: .object, report: "t") }
    }

    @Test func test_report_header_comments_set_shape_and_description() {
        let report = Report(name: "r", sql: "-- People per country.\n-- format: object\nSELECT 'a', 1")
        #expect(report.shape == .object)
        #expect(report.description == "People per country.")
        #expect(Report(name: "r", sql: "SELECT 1").shape == .rows)
    }
}
