import Failures
import Foundation
import Ingestion
import Logging
import Postgres
import Schema
import TestSupport
import Testing

/// Contracts loaded in process against a scratch database, in each mode, on a small dataset of its own (stations
/// and their readings) that no built-in dataset resembles.
@Suite struct ContractLoadTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    let connection: Connection
    let sql = SQLFolder(root: Repository.path("sql"))
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
        connection = try database.connect()
        try Migrator(sql: sql, logger: logger).migrate(connection)
    }

    /// A contract of stations keyed by `code`, loaded in `mode` (with its options' YAML lines).
    func stations(mode: String, options: String = "", extraField: String = "") throws -> Contract {
        let path = try folder.write("stations.yaml", """
            dataset: stations
            table: weather.stations
            mode: \(mode)
            \(options)
            input:
              file: stations.csv
            schema:
              missingValues: ["", "NA"]
              fields:
                - name: code
                  type: string
                  constraints: {required: true, pattern: "[A-Z]{3}"}
                - name: name
                  type: string
                  constraints: {required: true}
                - name: opened
                  type: date
                  format: "%d/%m/%Y"
                - name: elevation
                  type: integer
                  constraints: {minimum: -500, maximum: 9000}
                - name: staffed
                  type: boolean
            \(extraField)
              primaryKey: code
            """)
        return try ContractReader.read(path)
    }

    /// A stations file: a header, then `code,name,opened,elevation,staffed` rows.
    func file(_ name: String, _ rows: [String]) throws -> String {
        try folder.write(name, (["code,name,opened,elevation,staffed"] + rows).joined(separator: "\r\n") + "\r\n")
    }

    /// Ten stations, AAA to JJJ.
    var tenStations: [String] {
        (0..<10).map { index in
            let letter = String(UnicodeScalar(UInt8(ascii: "A") + UInt8(index)))
            return "\(String(repeating: letter, count: 3)),Station \(letter),0\(index % 9 + 1)/03/1990,\(index * 10),\(index % 2 == 0 ? "true" : "false")"
        }
    }

    @discardableResult
    func apply(_ contract: Contract) throws -> [String] {
        try ContractTable(contract, sql: sql).apply(connection, allowDataLoss: false)
    }

    func load(_ contract: Contract, _ path: String, batch: String? = nil, maxRejects: Int = 0, force: Bool = false) throws -> LoadResult {
        var dataset = contract.dataset()
        if force, case .none(let table, _) = dataset.replacement { dataset = dataset.replacing(.none(table: table, refuseRepeats: false)) }
        let opened = try OpenedDataset(dataset, dataDirectory: folder.path, files: [contract.name: path])
        if let difference = try ContractTable(contract, sql: sql).difference(connection) { throw ConfigurationError(difference) }
        let loader = DatasetLoader(connection: connection, rejectsConnection: try database.connect(), sql: sql, logger: logger, progress: nil)
        return try loader.load(
            opened, batch: batch, policy: LoadPolicy(maxRejects: maxRejects, minimumPercentOfPrevious: contract.guardsShrink ? 50 : nil),
            rejectsPath: "\(folder.path)/rejects-\(UUID().uuidString).jsonl")
    }

    func rows(_ query: String) throws -> [String] {
        let result = try connection.query(SQLQuery(unescaped: query))
        return result.rows.map { row in result.columns.indices.map { row[$0] ?? "NULL" }.joined(separator: "|") }
    }

    @Test func test_plan_creates_the_table_and_apply_records_it_with_the_product_grants() throws {
        let contract = try stations(mode: "replace")
        let plan = try ContractTable(contract, sql: sql).plan(connection)
        #expect(plan.statements.contains { $0.hasPrefix("CREATE TABLE \"weather\".\"stations\"") })
        #expect(try apply(contract).count == plan.statements.count)
        #expect(try ContractTable(contract, sql: sql).plan(connection).isEmpty)
        #expect(try apply(contract).isEmpty)
        #expect(try rows("SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'weather' ORDER BY ordinal_position") == [
            "code|text|NO", "name|text|NO", "opened|date|YES", "elevation|bigint|YES", "staffed|boolean|YES", "source_line|bigint|NO",
        ])
        #expect(try rows("SELECT tableowner FROM pg_tables WHERE schemaname = 'weather'") == ["pgpipe_owner"])
        #expect(try rows("SELECT has_table_privilege('pgpipe_ingest', 'weather.stations', 'INSERT'), has_table_privilege('pgpipe_summary', 'weather.stations', 'SELECT'), has_table_privilege('pgpipe_summary', 'weather.stations', 'INSERT')") == ["t|t|f"])
        #expect(try rows("SELECT dataset, table_schema || '.' || table_name FROM ingest.contracts") == ["stations|weather.stations"])
        // The writer may not make its own schema one of pgpipe's.
        let writer = try database.connect(as: "pgpipe_ingest")
        #expect(throws: PostgresError.self) {
            try writer.query("INSERT INTO ingest.contracts (dataset, table_schema, table_name, contract_file, checksum, definition) VALUES ('x', 'public', 't', 'f', repeat('0', 64), '')")
        }
    }

    @Test func test_a_contract_edited_after_apply_stops_the_load_until_the_plan_is_applied() throws {
        try apply(try stations(mode: "replace"))
        let edited = try stations(mode: "replace", extraField: "    - name: region\n      type: string")
        let withRegion = try folder.write("with-region.csv", "code,name,opened,elevation,staffed,region\r\nAAA,A,01/01/2000,1,true,North\r\n")
        #expect {
            try load(edited, withRegion)
        } throws: { error in
            "\(error)".contains("changed since it was applied") && "\(error)".contains("ingest plan --contract")
        }
        let plan = try ContractTable(edited, sql: sql).plan(connection)
        #expect(plan.statements == ["ALTER TABLE \"weather\".\"stations\" ADD COLUMN \"region\" text"])
        #expect(!plan.losesData)
        try apply(edited)
        #expect(try load(edited, withRegion).status == .loaded)
        #expect(try rows("SELECT region FROM weather.stations") == ["North"])
        // Dropping the field again loses the column's data: refused without --allow-data-loss.
        let original = try stations(mode: "replace")
        #expect(try ContractTable(original, sql: sql).plan(connection).losesData)
        #expect(throws: ConfigurationError.self) { try apply(original) }
    }

    @Test func test_a_table_changed_by_hand_stops_the_load_before_a_row_is_read() throws {
        let contract = try stations(mode: "replace")
        try apply(contract)
        try connection.execute(script: "ALTER TABLE weather.stations ALTER COLUMN elevation TYPE integer")
        #expect {
            try load(contract, try file("stations.csv", tenStations))
        } throws: { error in
            "\(error)".contains("weather.stations differs from its contract")
                && "\(error)".contains("ALTER TABLE \"weather\".\"stations\" ALTER COLUMN \"elevation\" TYPE bigint")
        }
        #expect(try rows("SELECT count(*) FROM ingest.runs") == ["0"])
    }

    @Test func test_replace_checks_every_field_and_loads_the_same_table_twice() throws {
        let contract = try stations(mode: "replace")
        try apply(contract)
        let path = try file("stations.csv", tenStations + [
            "abc,Lower case,01/01/2000,1,true",  // pattern
            "KKK,Bad date,31/02/2000,1,true",  // no such date
            "LLL,Too high,01/01/2000,9001,true",  // maximum
            "MMM,Not a boolean,01/01/2000,1,maybe",
            "NNN,NA,01/01/2000,1,true",  // a required field missing
            "AAA,Twice,01/01/2000,1,true",  // the key again
            "OOO,Missing values,NA,,",
        ])
        let first = try load(contract, path, maxRejects: 6)
        #expect(first.status == .loadedWithRejects)
        #expect(first.counts.read == 17 && first.counts.loaded == 11 && first.counts.rejected == 6)
        let rejects = try rows("SELECT line, coalesce(field, '-'), reason FROM ingest.rejects ORDER BY line")
        #expect(rejects == [
            "12|code|\"abc\" does not match the pattern [A-Z]{3}",
            "13|opened|not a date in the form %d/%m/%Y",
            "14|elevation|9001 is outside -500...9000",
            "15|staffed|\"maybe\" is not one of \"0\", \"1\", \"FALSE\", \"False\", \"TRUE\", \"True\", \"false\", \"true\"",
            "16|name|required value is missing",
            "17|-|duplicate of line 2 (code)",
        ])
        #expect(try rows("SELECT code, opened, elevation, staffed, source_line FROM weather.stations WHERE code IN ('BBB', 'OOO') ORDER BY code") == [
            "BBB|1990-03-02|10|f|3", "OOO|NULL|NULL|NULL|18",
        ])
        let before = try rows("SELECT * FROM weather.stations ORDER BY code")
        #expect(try load(contract, path, maxRejects: 6).status == .loadedWithRejects)
        #expect(try rows("SELECT * FROM weather.stations ORDER BY code") == before)
        // A file far smaller than the last load is refused, the previous rows kept.
        let small = try load(contract, try file("small.csv", Array(tenStations.prefix(2))))
        #expect(small.status == .refused)
        #expect(try rows("SELECT * FROM weather.stations ORDER BY code") == before)
    }

    @Test func test_append_adds_rows_and_refuses_a_file_it_already_appended() throws {
        let contract = try stations(mode: "append")
        try apply(contract)
        let first = try file("first.csv", Array(tenStations.prefix(4)))
        #expect(try load(contract, first).status == .loaded)
        #expect(try load(contract, try file("second.csv", Array(tenStations.suffix(3)))).status == .loaded)
        #expect(try rows("SELECT count(*) FROM weather.stations") == ["7"])
        let again = try load(contract, try folder.write("renamed.csv", try String(contentsOfFile: first, encoding: .utf8)))
        #expect(again.status == .refused)
        #expect(again.message?.contains("already appended this file") == true)
        #expect(try rows("SELECT count(*) FROM weather.stations") == ["7"])
        // Forced, the same rows come again and the table's key refuses them: nothing is added.
        #expect {
            try load(contract, first, force: true)
        } throws: { error in
            "\(error)".hasPrefix("rows of the file repeat keys already in weather.stations (Key (code)=(AAA) already exists.)")
        }
        #expect(try rows("SELECT count(*) FROM weather.stations") == ["7"])
    }

    /// The merge's second file: of the ten stations, CCC to EEE changed, JJJ gone, and two new ones.
    var secondDelivery: [String] {
        var rows = Array(tenStations.prefix(9))
        rows[2] = "CCC,Station C renamed,03/03/1990,20,true"
        rows[3] = "DDD,Station D,04/03/1990,31,false"
        rows[4] = "EEE,Station E,05/03/1990,40,false"
        return rows + ["PPP,New P,01/01/2020,5,true", "QQQ,New Q,01/01/2020,6,false"]
    }

    @Test func test_merge_inserts_updates_and_leaves_the_unchanged_rows_alone() throws {
        let contract = try stations(mode: "merge")
        try apply(contract)
        let first = try load(contract, try file("first.csv", tenStations))
        #expect(first.merge == MergeCounts(inserted: 10, updated: 0, unchanged: 0, deleted: 0))
        let untouched = try rows("SELECT xmin FROM weather.stations WHERE code = 'AAA'")
        let second = try load(contract, try file("second.csv", secondDelivery))
        #expect(second.merge == MergeCounts(inserted: 2, updated: 3, unchanged: 6, deleted: 0))
        #expect(try rows("SELECT count(*) FROM weather.stations") == ["12"])
        #expect(try rows("SELECT name, elevation, source_line FROM weather.stations WHERE code IN ('CCC', 'DDD', 'JJJ') ORDER BY code") == [
            "Station C renamed|20|4", "Station D|31|5", "Station J|90|11",
        ])
        #expect(try rows("SELECT xmin FROM weather.stations WHERE code = 'AAA'") == untouched)
        #expect(try rows("SELECT rows_inserted, rows_updated, rows_unchanged, rows_deleted FROM ingest.runs WHERE run_id = \(second.run)") == ["2|3|6|0"])
    }

    @Test func test_merge_of_full_snapshots_deletes_what_the_file_no_longer_has() throws {
        let contract = try stations(mode: "merge", options: "merge: {delete_missing: true}")
        try apply(contract)
        _ = try load(contract, try file("first.csv", tenStations))
        let second = try load(contract, try file("second.csv", secondDelivery))
        #expect(second.merge == MergeCounts(inserted: 2, updated: 3, unchanged: 6, deleted: 1))
        #expect(try rows("SELECT count(*) FROM weather.stations WHERE code = 'JJJ'") == ["0"])
        // A snapshot far smaller than the last is refused: a full snapshot can lose rows.
        #expect(try load(contract, try file("third.csv", Array(tenStations.prefix(2)))).status == .refused)
        #expect(try rows("SELECT count(*) FROM weather.stations") == ["11"])
    }

    @Test func test_merge_with_history_closes_old_versions_at_the_loads_time() throws {
        let contract = try stations(mode: "merge", options: "merge: {delete_missing: true, history: true}")
        try apply(contract)
        _ = try load(contract, try file("first.csv", tenStations))
        let second = try load(contract, try file("second.csv", secondDelivery))
        #expect(second.merge == MergeCounts(inserted: 2, updated: 3, unchanged: 6, deleted: 1))
        #expect(try rows("SELECT count(*), count(*) FILTER (WHERE valid_to IS NULL) FROM weather.stations") == ["15|11"])
        // The closed versions end when the new ones begin: the time of the load's transaction, within its run.
        #expect(try rows("""
            SELECT o.code, o.name, n.name, o.valid_to = n.valid_from
            FROM weather.stations o JOIN weather.stations n ON n.code = o.code AND n.valid_to IS NULL
            WHERE o.valid_to IS NOT NULL ORDER BY o.code
            """) == ["CCC|Station C|Station C renamed|t", "DDD|Station D|Station D|t", "EEE|Station E|Station E|t"])
        #expect(try rows("SELECT code FROM weather.stations WHERE valid_to IS NOT NULL AND code NOT IN (SELECT code FROM weather.stations WHERE valid_to IS NULL)") == ["JJJ"])
        #expect(try rows("""
            SELECT count(*) FROM weather.stations s, ingest.runs r
            WHERE r.run_id = \(second.run) AND s.valid_to IS NOT NULL AND s.valid_to BETWEEN r.started_at AND r.finished_at
            """) == ["4"])
        // The same snapshot again changes nothing.
        let third = try load(contract, try file("second.csv", secondDelivery))
        #expect(third.merge == MergeCounts(inserted: 0, updated: 0, unchanged: 11, deleted: 0))
    }

    @Test func test_a_merge_key_repeated_in_one_file_is_a_reject_naming_both_lines() throws {
        let contract = try stations(mode: "merge")
        try apply(contract)
        let run = try load(contract, try file("twice.csv", tenStations + ["CCC,Again,01/01/2000,1,true"]), maxRejects: 1)
        #expect(run.merge == MergeCounts(inserted: 10, updated: 0, unchanged: 0, deleted: 0))
        #expect(try rows("SELECT line, reason FROM ingest.rejects") == ["12|duplicate of line 4 (code)"])
    }

    @Test func test_a_row_naming_no_row_of_the_referenced_table_is_a_reject() throws {
        let stations = try stations(mode: "replace")
        try apply(stations)
        _ = try load(stations, try file("stations.csv", tenStations))
        let path = try folder.write("readings.yaml", """
            dataset: readings
            table: weather.readings
            mode: append
            input: {file: readings.csv}
            schema:
              fields:
                - {name: station, constraints: {required: true}}
                - {name: taken, type: datetime, constraints: {required: true}}
                - {name: celsius, type: number, constraints: {minimum: -90, maximum: 60}}
              primaryKey: [station, taken]
              foreignKeys:
                - {fields: station, reference: {resource: stations, fields: code}}
            """)
        let readings = try ContractReader.read(path)
        try apply(readings)
        let run = try load(readings, try folder.write("readings.csv", """
            station,taken,celsius
            AAA,2026-12-01T06:00:00Z,-3.5
            ZZZ,2026-12-01T06:00:00Z,1
            BBB,2026-12-01 07:30+01:00,61
            BBB,2026-12-01T07:30,12.25
            CCC,yesterday,1

            """), maxRejects: 3)
        #expect(run.counts.loaded == 2 && run.counts.rejected == 3)
        #expect(try rows("SELECT line, field, reason FROM ingest.rejects WHERE run_id = \(run.run) ORDER BY line") == [
            "3|station|unknown weather.stations code \"ZZZ\"",
            "4|celsius|61 is above the maximum 60",
            "6|taken|not a date and time in the form YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]",
        ])
        #expect(try rows("SELECT station, taken, celsius FROM weather.readings ORDER BY station") == [
            "AAA|2026-12-01 06:00:00+00|-3.5", "BBB|2026-12-01 07:30:00+00|12.25",
        ])
        #expect(try rows("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'weather.readings'::regclass AND contype = 'f'") == [
            "FOREIGN KEY (station) REFERENCES weather.stations(code)",
        ])
    }

    @Test func test_a_failed_load_records_no_row_as_loaded() throws {
        // A key to the table itself is checked by the database as the load ends, after every row was counted.
        let path = try folder.write("parts.yaml", """
            dataset: parts
            table: weather.parts
            input: {file: parts.csv}
            schema:
              fields:
                - {name: id, type: integer, constraints: {required: true}}
                - {name: parent, type: integer}
              primaryKey: id
              foreignKeys:
                - {fields: parent, reference: {resource: "", fields: id}}
            """)
        let parts = try ContractReader.read(path)
        try apply(parts)
        #expect(throws: PostgresError.self) { try load(parts, try folder.write("parts.csv", "id,parent\n1,\n2,1\n3,9\n")) }
        #expect(try rows("SELECT status, rows_read, rows_loaded, rows_rejected FROM ingest.runs") == ["failed|3|0|0"])
        #expect(try rows("SELECT count(*) FROM weather.parts") == ["0"])
    }

    @Test func test_partition_replaces_only_its_batch() throws {
        let contract = try stations(mode: "partition", options: "partition: {key: delivered, type: date}")
        try apply(contract)
        #expect(try rows("SELECT a.attname FROM pg_constraint c, unnest(c.conkey) k JOIN pg_attribute a ON a.attnum = k WHERE c.conname = 'stations_pkey' AND a.attrelid = c.conrelid") == ["delivered", "code"])
        _ = try load(contract, try file("monday.csv", tenStations), batch: "2026-11-30")
        _ = try load(contract, try file("tuesday.csv", Array(tenStations.prefix(6))), batch: "2026-12-01")
        let again = try load(contract, try file("monday-again.csv", Array(secondDelivery.prefix(9))), batch: "2026-11-30")
        #expect(again.status == .loaded)
        #expect(try rows("SELECT delivered, count(*) FROM weather.stations GROUP BY 1 ORDER BY 1") == ["2026-11-30|9", "2026-12-01|6"])
        #expect(try rows("SELECT name FROM weather.stations WHERE delivered = '2026-11-30' AND code = 'CCC'") == ["Station C renamed"])
        // The shrink guard compares a batch with its own last load.
        #expect(try load(contract, try file("tiny.csv", Array(tenStations.prefix(1))), batch: "2026-12-01").status == .refused)
    }

    /// A polluted export (Windows-1252, semicolons, a preamble, a footer, a line of delimiters, a bad row)
    /// gets a draft from `ingest infer` that loads as it is: every good row in, the bad one rejected with
    /// its line, the counts adding up.
    @Test func test_an_inferred_draft_loads_as_it_is() throws {
        var bytes = Array("Stations export;;;\r\nprinted 2026-12-01;;;\r\ncode;name;opened;elevation\r\n".utf8)
        for index in 0..<30 {
            let name: [UInt8] = index == 7 ? [0x4D, 0xFC, 0x6E, 0x73, 0x74, 0x65, 0x72, 0x20, 0x96, 0x20, 0x4E] : Array("Station \(index)".utf8)  // "Münster – N"
            if index == 16 { bytes += Array("S200;Broken;01/02/1990;5;extra\r\n".utf8) }
            bytes += Array("S\(100 + index);".utf8) + name + Array(";\(index % 28 + 1)/02/1990;\(index * 7)\r\n".utf8)
        }
        bytes += Array(";;;\r\nTotal: 31 stations\r\n".utf8)
        let csv = try folder.write("export.csv", bytes)
        let draft = try ContractInference(path: csv).draft()
        #expect(draft.contains("encoding: \"windows-1252\""))
        #expect(draft.contains("delimiter: \";\""))
        #expect(draft.contains("preambleRows: 2"))
        #expect(draft.contains("footerRows: 1"))
        #expect(draft.contains("# 1 record is malformed or not of 4 fields (the first on line 20: 5 fields instead of 4): a load rejects it, with its line"))
        #expect(draft.contains("format: \"%d/%m/%Y\""))
        #expect(draft.contains("primaryKey: [\"code\"]"))
        #expect(try ContractInference(path: csv).draft() == draft)  // deterministic
        let contract = try ContractReader.read(try folder.write("export.yaml", draft))
        try apply(contract)
        let result = try load(contract, csv, maxRejects: 5)
        #expect(result.counts.read == 31)
        #expect(result.counts.loaded == 30)
        #expect(result.counts.rejected == 1)
        #expect(try rows("SELECT name, opened, elevation FROM imports.export WHERE code = 'S107'") == ["Münster – N|1990-02-08|49"])
        #expect(try rows("SELECT line, reason FROM ingest.rejects WHERE run_id = \(result.run)") == ["20|expected 4 fields, found 5"])
        #expect(try rows("SELECT rows_read, rows_padded, empty_rows_skipped FROM ingest.run_sources WHERE run_id = \(result.run)") == ["31|0|1"])
    }

    /// With padShortRows, a record short of trailing fields is loaded with nulls and counted in the ledger;
    /// without it, rejected.
    @Test func test_short_records_are_padded_only_when_the_dialect_says() throws {
        let csv = try folder.write("short.csv", "code;name;note\nA;Alpha;first\nB;Beta\nC\n")
        for pad in [false, true] {
            let contract = try ContractReader.read(try folder.write("short.yaml", """
                dataset: short
                table: weather.short
                mode: replace
                input:
                  file: short.csv
                  dialect: {delimiter: ";", padShortRows: \(pad)}
                schema:
                  fields:
                    - {name: code, type: string, constraints: {required: true}}
                    - {name: name, type: string, constraints: {required: true}}
                    - {name: note, type: string}
                """))
            try apply(contract)
            let result = try load(contract, csv, maxRejects: 5)
            #expect(result.counts.read == 3)
            #expect(result.counts.loaded == (pad ? 2 : 1))  // C lacks a required name either way
            #expect(try rows("SELECT rows_padded FROM ingest.run_sources WHERE run_id = \(result.run)") == [pad ? "2" : "0"])
        }
        #expect(try rows("SELECT code, name, coalesce(note, 'NULL') FROM weather.short ORDER BY code") == ["A|Alpha|first", "B|Beta|NULL"])
    }
}
