import Foundation
import Postgres
import TestSupport
import Testing

/// `ingest wind` on the two real files: the quality findings equal the pandas reference computed from the raw
/// files alone, every raw row is accounted for, the cleaned series and its features equal pandas' on the same
/// series, and the times are UK local.
@Suite struct WindTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    func load(_ extra: [String] = []) throws -> ToolRun {
        try runTool("ingest", ["wind", "--rejects", "\(folder.path)/rejects.jsonl", "--quiet"] + extra, environment: database.environment)
    }

    func rows(_ sql: SQLQuery) throws -> [[String?]] {
        let result = try database.connect().query(sql)
        return result.rows.map { row in (0..<result.columns.count).map { row[$0] } }
    }

    /// A fixture's lines, split at commas (none of these fixtures quotes a field).
    static func fixture(_ name: String) throws -> [[String]] {
        try String(contentsOfFile: Repository.path("Tests/Fixtures/\(name)"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Compares a query's rows with a fixture's, numbers within 1e-9 (relative to their size), text exactly.
    func expectRows(_ sql: SQLQuery, equal fixture: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try Self.fixture(fixture)
        let actual = try rows(sql)
        #expect(actual.count == expected.count - 1, "\(fixture): row count", sourceLocation: sourceLocation)
        var differences: [String] = []
        for (row, want) in zip(actual, expected.dropFirst()) {
            for (got, wanted) in zip(row, want) {
                let same: Bool = switch (got.flatMap(Double.init), Double(wanted)) {
                case _ where (got ?? "") == wanted: true
                case let (a?, b?): abs(a - b) <= 1e-9 * max(1, abs(b))
                default: (got == "t" && wanted == "True") || (got == "f" && wanted == "False")
                }
                if !same { differences.append("\(want[0]): \(got ?? "NULL") vs \(wanted)") }
            }
        }
        #expect(differences.isEmpty, "\(fixture): \(differences.prefix(5))", sourceLocation: sourceLocation)
    }

    @Test func test_quality_findings_equal_the_pandas_reference() throws {
        let run = try load()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "read 2165, loaded 2165, rejected 0\nwind: 1296 half-hours (652 with imputed values), 750 order periods, 97 quality findings (report wind_quality)\n")
        try expectRows("""
            SELECT source, column_name, check_name, detail, rows, first_line FROM wind.quality
            ORDER BY source, column_name COLLATE "C", check_name COLLATE "C", detail COLLATE "C"
            """, equal: "wind_quality_reference.csv")
        // Every finding says what the cleaning does about it.
        #expect(try rows("SELECT count(*) FROM wind.quality WHERE action = ''")[0][0] == "0")
    }

    @Test func test_every_raw_row_is_kept_or_collapsed_into_one_that_is() throws {
        #expect(try load().status == 0)
        // Each forecast line is a half-hour's source line or one of its duplicate lines, exactly once.
        let lines = try rows("""
            SELECT (SELECT count(*) FROM wind.forecast_raw),
                   (SELECT count(*) FROM (SELECT source_line FROM wind.half_hours WHERE source_line IS NOT NULL
                                          UNION ALL SELECT unnest(duplicate_lines) FROM wind.half_hours) l),
                   (SELECT count(DISTINCT l) FROM (SELECT source_line FROM wind.half_hours UNION ALL SELECT unnest(duplicate_lines) FROM wind.half_hours) x(l)
                    WHERE l IN (SELECT line FROM wind.forecast_raw)),
                   (SELECT count(*) FROM wind.orders_raw), (SELECT count(*) FROM wind.order_periods),
                   (SELECT count(*) FROM wind.half_hours WHERE source_line IS NULL),
                   (SELECT sum(rows) FROM wind.quality WHERE check_name = 'missing_period' AND source = 'forecast')
            """)[0]
        #expect(lines == ["1415", "1415", "1415", "750", "750", "32", "32"])
        #expect(try rows("SELECT count(*) FROM wind.half_hours WHERE cardinality(duplicate_lines) > 0")[0][0] == "151")
        // Points 3 and 4 of the two-point curves are absent, not zero.
        #expect(try rows("SELECT count(*) FROM wind.order_steps")[0][0] == String(750 * 4 - 177 * 2))
    }

    @Test func test_cleaned_series_features_and_aggregates_equal_pandas() throws {
        #expect(try load().status == 0)
        // The cleaned series the pandas fixtures were computed from is the one this load gives.
        try expectRows("""
            SELECT extract(epoch FROM starts_at)::bigint, j.settlement_date, j.initial_forecast_mw, j.latest_forecast_mw,
                   j.outturn_mw, j.imputed, h.source_line IS NOT NULL, dcl_executed_volume_mw, dch_executed_volume_mw
            FROM wind.orders_joined j JOIN wind.half_hours h USING (starts_at) ORDER BY starts_at
            """, equal: "wind_cleaned_half_hours.csv")
        try expectRows(
            "SELECT market, extract(epoch FROM delivery_start)::bigint, executed_volume_mw FROM wind.order_periods ORDER BY market, delivery_start",
            equal: "wind_cleaned_order_periods.csv")
        try expectRows(
            "SELECT extract(epoch FROM starts_at)::bigint, initial_forecast_median_6h FROM wind.forecast_features ORDER BY starts_at",
            equal: "wind_features_reference.csv")
        try expectRows(
            "SELECT market, extract(epoch FROM delivery_start)::bigint, executed_volume_median_6h FROM wind.volume_features ORDER BY market, delivery_start",
            equal: "wind_volume_features_reference.csv")
        let figures = """
            initial_forecast_mean_mw, initial_forecast_min_mw, initial_forecast_max_mw, outturn_mean_mw, outturn_min_mw,
            outturn_max_mw, initial_forecast_mae_mw, initial_forecast_bias_mw, latest_forecast_mae_mw, latest_forecast_bias_mw,
            dcl_executed_volume_mean_mw, dch_executed_volume_mean_mw, half_hours_delivered, half_hours_with_outturn, imputed_share
            """
        try expectRows("SELECT day, \(unescaped: figures) FROM wind.daily ORDER BY day", equal: "wind_daily_reference.csv")
        try expectRows("SELECT week, \(unescaped: figures) FROM wind.weekly ORDER BY week", equal: "wind_weekly_reference.csv")
    }

    @Test func test_times_are_uk_local_and_half_hours_join_the_block_they_fall_in() throws {
        #expect(try load().status == 0)
        // Settlement period 1 of 1 November starts at local midnight (GMT); period 46 (22:30) is in EFA block 6,
        // period 47 (23:00) opens block 1 of the next EFA day. The file's own EFA says 1 for period 46.
        #expect(try rows("SELECT starts_at::text, efa FROM wind.half_hours WHERE settlement_date = '2021-11-01' AND settlement_period IN (1, 46, 47) ORDER BY 1") == [
            ["2021-11-01 00:00:00+00", "1"], ["2021-11-01 22:30:00+00", "6"], ["2021-11-01 23:00:00+00", "1"],
        ])
        // The EFA 1 blocks of 31 October start at 23:00 BST (22:00 UTC) and last five hours, across the clock change.
        #expect(try rows("SELECT market, delivery_start::text, (delivery_end - delivery_start)::text FROM wind.order_periods WHERE delivery_start <= '2021-10-31 01:00+00' AND delivery_end > '2021-10-31 01:00+00' ORDER BY 1") == [
            ["DCH", "2021-10-30 22:00:00+00", "05:00:00"], ["DCL", "2021-10-30 22:00:00+00", "05:00:00"],
        ])
        // Every half-hour falls in one DCL block and one DCH block, but the last two (23:00 and 23:30 on 27
        // November open the next EFA day, which the orders do not reach); the first block of November has six of
        // its eight half-hours in the file (it began at 23:00 on 31 October).
        #expect(try rows("SELECT count(*), count(dcl_order_period_id), count(dch_order_period_id) FROM wind.orders_joined")[0] == ["1296", "1294", "1294"])
        #expect(try rows("SELECT count(*) FROM wind.orders_joined GROUP BY dcl_order_period_id ORDER BY min(starts_at) LIMIT 2") == [["6"], ["8"]])
    }

    @Test func test_reloading_leaves_the_tables_as_one_load_did() throws {
        func fingerprint() throws -> String? {
            try rows("""
                SELECT md5((SELECT string_agg(h::text, '|' ORDER BY starts_at) FROM wind.half_hours h)
                    || (SELECT string_agg(q::text, '|' ORDER BY source, column_name, check_name, detail) FROM wind.quality q)
                    || (SELECT string_agg(p::text, '|' ORDER BY order_period_id) FROM wind.order_periods p)
                    || (SELECT string_agg(s::text, '|' ORDER BY order_period_id, step) FROM wind.order_steps s))
                """)[0][0]
        }
        #expect(try load().status == 0)
        let first = try fingerprint()
        #expect(try load().status == 0)
        #expect(try fingerprint() == first)
    }

    @Test func test_a_bad_order_record_is_rejected_and_a_cut_file_stops_the_load() throws {
        let original = try String(contentsOfFile: Repository.path("data/wind/linear_orders_raw.json"), encoding: .utf8)
        // A number where the portal writes a string: that record is rejected with its line, the others load.
        let target = try #require(original.range(of: "\"ExecutedVolume\": \"467\""))
        let bad = original.replacingCharacters(in: target, with: "\"ExecutedVolume\": 467")
        let badPath = try folder.write("bad.json", bad)
        let run = try load(["--file", "wind_orders=\(badPath)", "--max-rejects", "5"])
        #expect(run.status == 65)
        #expect(run.stdout.hasPrefix("read 2165, loaded 2164, rejected 1\n"))
        let reject = try String(contentsOfFile: "\(folder.path)/rejects.jsonl", encoding: .utf8)
        #expect(reject.contains("\"line\":6") && reject.contains("key \\\"ExecutedVolume\\\" holds a number where a string is expected"))
        #expect(try rows("SELECT count(*) FROM wind.order_periods")[0][0] == "749")

        // Invalid UTF-8 in a value and a record without a key: each rejected on its own line, nothing lost.
        var bytes = Array(original.utf8)
        let member = Array("\"MemberName\": \"NATIONAL".utf8)
        let at = try #require((0...(bytes.count - member.count)).first { bytes[$0..<($0 + member.count)].elementsEqual(member) })
        bytes[at + member.count - 1] = 0xFF
        let portfolio = Array(",\n                \"Portfolio\": \"NGESO-T001\"".utf8)
        let last = try #require((0...(bytes.count - portfolio.count)).last { bytes[$0..<($0 + portfolio.count)].elementsEqual(portfolio) })
        bytes.removeSubrange(last..<(last + portfolio.count))
        let mixedPath = try folder.write("mixed.json", bytes)
        let mixed = try load(["--file", "wind_orders=\(mixedPath)", "--max-rejects", "5"])
        #expect(mixed.status == 65)
        #expect(mixed.stdout.hasPrefix("read 2165, loaded 2163, rejected 2\n"))
        let rejects = try String(contentsOfFile: "\(folder.path)/rejects.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rejects.count == 2)
        #expect(rejects[0].contains("\"line\":6") && rejects[0].contains("\"field\":\"MemberName\"") && rejects[0].contains("UTF-8"), "\(rejects[0])")
        #expect(rejects[1].contains("\"line\":19480") && rejects[1].contains("key \\\"Portfolio\\\" is missing"), "\(rejects[1])")
        #expect(try rows("SELECT count(*) FROM wind.order_periods")[0][0] == "748")

        // A file cut short: one line naming where, 65, and the previous load stays.
        let cut = try folder.write("cut.json", String(original.prefix(original.count / 2)))
        let failed = try load(["--file", "wind_orders=\(cut)"])
        #expect(failed.status == 65)
        #expect(failed.stderr.contains("cut.json: line ") && failed.stderr.contains("it is cut short"), "\(failed.stderr)")
        #expect(failed.stderr.split(separator: "\n").filter { $0.contains("error") }.count == 1)
        #expect(try rows("SELECT count(*) FROM wind.order_periods")[0][0] == "748")
    }

    @Test func test_compact_json_loads_and_a_clock_change_day_keeps_its_fifty_outturns() throws {
        // The orders as one line, as APIs send them: every record on line 1, each its own position.
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Repository.path("data/wind/linear_orders_raw.json"))))
        let compact = try folder.write("compact.json", Array(try JSONSerialization.data(withJSONObject: document)))

        // 30 October 2022 has 50 settlement periods: period p ends p half-hours after local midnight (BST).
        let format = DateFormatter()
        format.timeZone = TimeZone(identifier: "Europe/London")
        format.dateFormat = "dd/MM/yyyy HH:mm"
        let midnight = try #require(format.date(from: "30/10/2022 00:00"))
        var csv = "Column1,recordType,startTimeOfHalfHrPeriod,settlementPeriod,initialForecastPublishingPeriodCommencingTime,initialForecastSpnGeneration,latestForecastPublishingPeriodCommencingTime,latestForecastSpnGeneration,outTurnPublishingPeriodCommencingTime,fuelTypeGeneration,activeFlag,EFA,\n"
        for period in 1...50 {
            let end = format.string(from: midnight.addingTimeInterval(Double(period) * 1800))
            csv += "\(period - 1),WIND,30/10/2022,\(period),NULL,NULL,NULL,NULL,\(end),\(5000 + period),Y,1,\n"
        }
        let autumn = try folder.write("autumn.csv", csv)
        let run = try load(["--file", "wind_orders=\(compact)", "--file", "wind_forecasts=\(autumn)"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try rows("SELECT count(*), count(DISTINCT position), max(line) FROM wind.orders_raw")[0] == ["750", "750", "1"])
        #expect(try rows("SELECT count(*) FROM wind.order_periods")[0][0] == "750")
        #expect(try rows("SELECT count(*), count(outturn_mw), min(starts_at)::text, max(starts_at)::text, sum(outturn_mw)::bigint FROM wind.half_hours")[0] == [
            "50", "50", "2022-10-29 23:00:00+00", "2022-10-30 23:30:00+00", String(50 * 5000 + 50 * 51 / 2),
        ])
        let mismatches = try rows("SELECT check_name, rows FROM wind.quality WHERE source = 'forecast' AND check_name IN ('time_mismatch', 'date_mismatch', 'missing_period') ORDER BY check_name")
        #expect(mismatches == [["date_mismatch", "0"], ["time_mismatch", "0"]])
    }

    @Test func test_a_stray_date_a_year_away_stops_the_load_in_one_line() throws {
        var lines = try String(contentsOfFile: Repository.path("data/wind/bmrs_wind_forecast_pair.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        lines.append("1415,WIND,22/11/2010,5,NULL,NULL,NULL,NULL,,100,Y,1,")
        let stray = try folder.write("stray.csv", lines.joined(separator: "\n") + "\n")
        let run = try load(["--file", "wind_forecasts=\(stray)"])
        #expect(run.status == 65)
        #expect(run.stderr.contains("stray.csv: settlement days from 2010-11-22 (line 1417) to 2021-11-27"), "\(run.stderr)")
        #expect(try rows("SELECT count(*) FROM wind.half_hours")[0][0] == "0")
    }

    @Test func test_a_file_in_another_date_style_is_refused_and_the_previous_load_kept() throws {
        #expect(try load().status == 0)
        let original = try String(contentsOfFile: Repository.path("data/wind/bmrs_wind_forecast_pair.csv"), encoding: .utf8)
        // Each DD/MM/YYYY rewritten: as ISO dates, and month first.
        let date = try Regex(#"(\d{2})/(\d{2})/(\d{4})"#)
        for (style, rewrite) in [("iso", { (d: Substring, m: Substring, y: Substring) in "\(y)-\(m)-\(d)" }), ("us", { d, m, y in "\(m)/\(d)/\(y)" })] {
            let text = original.replacing(date) { match in
                let parts = match.output.map { $0.substring ?? "" }
                return rewrite(parts[1], parts[2], parts[3])
            }
            let file = try folder.write("\(style).csv", text)
            let run = try load(["--file", "wind_forecasts=\(file)"])
            #expect(run.status == 65, "\(style): \(run.stderr)")
            #expect(run.stderr.contains("\(style).csv: ") && run.stderr.contains("rows have a settlement date or outturn time that is not DD/MM/YYYY (HH:MM), first line "), "\(run.stderr)")
            #expect(try rows("SELECT count(*) FROM wind.half_hours")[0][0] == "1296", "\(style)")
        }
    }

    @Test func test_values_that_conflict_within_an_order_are_findings_not_a_relabelling() throws {
        var text = try String(contentsOfFile: Repository.path("data/wind/linear_orders_raw.json"), encoding: .utf8)
        // Order 100000000103201: its first period (line 6) in EUR, its second with another portfolio.
        let currency = try #require(text.range(of: "\"SettlementCurrency\": \"GBP\""))
        text.replaceSubrange(currency, with: "\"SettlementCurrency\": \"EUR\"")
        let portfolios = text.ranges(of: "\"Portfolio\": \"NGESO-T001\"")
        text.replaceSubrange(portfolios[1], with: "\"Portfolio\": \"NGESO-T999\"")
        let file = try folder.write("conflicting.json", text)
        let run = try load(["--file", "wind_orders=\(file)"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try rows("SELECT currency, portfolio FROM wind.orders WHERE order_id = 100000000103201") == [["GBP", "NGESO-T001"]])
        // The EUR period is not loaded (its prices are not in pounds); the other portfolio's is.
        #expect(try rows("SELECT count(*) FROM wind.order_periods")[0][0] == "749")
        #expect(try rows("SELECT count(*) FROM wind.order_periods WHERE source_line = 6")[0][0] == "0")
        #expect(try rows("""
            SELECT column_name, rows, first_line FROM wind.quality WHERE check_name = 'conflicting_value' AND rows > 0 ORDER BY column_name
            """) == [["Portfolio", "1", "32"], ["SettlementCurrency", "1", "6"]])
    }

    @Test func test_a_delivery_the_cleaning_shrinks_is_refused_like_a_short_file() throws {
        #expect(try load().status == 0)
        // As many rows, every date the same day: the cleaning leaves 98 half-hours of 1,296.
        let original = try String(contentsOfFile: Repository.path("data/wind/bmrs_wind_forecast_pair.csv"), encoding: .utf8)
        let oneDay = try folder.write("one-day.csv", original.replacing(try Regex(#"\d{2}/\d{2}/\d{4}"#), with: "01/11/2021"))
        let run = try load(["--file", "wind_forecasts=\(oneDay)"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("wind.half_hours: the load would leave 98 rows where the last load left 1296 (7 %, under the shrink limit of 50 %): refused"), "\(run.stderr)")
        #expect(try rows("SELECT count(*) FROM wind.half_hours")[0][0] == "1296")
        #expect(try load(["--file", "wind_forecasts=\(oneDay)", "--allow-shrink"]).status == 0)
        #expect(try rows("SELECT count(*) FROM wind.half_hours")[0][0] == "98")
    }
}
