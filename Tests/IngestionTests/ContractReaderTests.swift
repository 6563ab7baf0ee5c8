import Foundation
import Ingestion
import Records
import TestSupport
import Testing

/// A contract is read whole and strictly before anything connects: each mistake is one line naming the file,
/// the line and the key.
@Suite struct ContractReaderTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    static let valid = """
        dataset: readings
        table: weather.readings
        input:
          file: readings.csv
        schema:
          fields:
            - name: station
              type: string
              constraints: {required: true}
            - name: taken
              type: datetime
              constraints: {required: true}
            - name: celsius
              type: number
          primaryKey: [station, taken]
        """

    func error(_ yaml: String, file: String = "readings.yaml") throws -> String {
        let path = try folder.write(file, yaml)
        do {
            _ = try ContractReader.read(path)
            return "no error"
        } catch let error as ContractError {
            return "\(error)".replacingOccurrences(of: folder.path + "/", with: "")
        }
    }

    @Test func test_a_valid_contract_reads_with_defaults() throws {
        let contract = try ContractReader.read(try folder.write("readings.yaml", Self.valid))
        #expect(contract.name == "readings")
        #expect(contract.declaredTable == TableName(schema: "weather", name: "readings"))
        #expect(contract.mode == .replace)
        #expect(contract.inputs[0].format == .csv(CSVDialect()))
        #expect(contract.fields.map(\.name) == ["station", "taken", "celsius"])
        #expect(contract.fields.map(\.kind) == [.string, .datetime, .number])
        #expect(contract.inputs[0].missingValues == [""])
        #expect(contract.primaryKey == ["station", "taken"])
        #expect(contract.maxRejects == 0 && contract.shrinkLimit == 50)
    }

    @Test func test_each_mistake_names_file_line_and_key() throws {
        #expect(try error("dataset: [unclosed\n") .hasPrefix("readings.yaml:2: not valid YAML: "))
        #expect(try error(Self.valid + "\ncolour: blue\n") == "readings.yaml:16: colour: unknown key")
        #expect(try error(Self.valid.replacingOccurrences(of: "type: number", with: "type: float"))
            == "readings.yaml:14: schema.fields[2].type: \"float\" is not a type pgpipe loads; types are string, integer, number, boolean, date, datetime")
        #expect(try error(Self.valid.replacingOccurrences(of: "primaryKey: [station, taken]", with: "primaryKey: [station, time]"))
            == "readings.yaml:15: schema.primaryKey: names \"time\", which is not a field; fields are station, taken, celsius")
        #expect(try error(Self.valid.replacingOccurrences(of: "primaryKey: [station, taken]", with: "primaryKey: celsius"))
            == "readings.yaml:15: schema.primaryKey: field \"celsius\" of the primary key must be required (constraints: {required: true})")
        #expect(try error(Self.valid.replacingOccurrences(of: "\n  primaryKey: [station, taken]", with: "") + "\nmode: merge\n")
            == "readings.yaml:15: mode: a merge matches rows by the primary key: declare schema.primaryKey")
        #expect(try error(Self.valid + "\nforeignKeys: []\n") == "readings.yaml:16: foreignKeys: unknown key")
        #expect(try error(Self.valid + "\n  foreignKeys:\n    - fields: station\n      reference: {resource: stations, fields: code}\n")
            == "readings.yaml:18: schema.foreignKeys[0].reference.resource: no contract stations.yaml beside this one: a foreign key references a dataset declared in the same folder (or \"\" for this table)")
        #expect(try error(Self.valid.replacingOccurrences(of: "table: weather.readings", with: "table: people.readings"))
            == "readings.yaml:2: table: schema people belongs to pgpipe's built-in datasets or to Postgres; choose a schema of your own")
        #expect(try error(Self.valid.replacingOccurrences(of: "table: weather.readings", with: "table: Readings"))
            == "readings.yaml:2: table: \"Readings\" is not schema.table, each a lower-case name (letters, digits, _; 63 bytes at most)")
        #expect(try error(Self.valid.replacingOccurrences(of: "{required: true}\n    - name: taken", with: "{required: yes please}\n    - name: taken"))
            == "readings.yaml:9: schema.fields[0].constraints.required: \"yes please\" is not true or false")
        #expect(try error(Self.valid.replacingOccurrences(of: "type: number", with: "type: number\n      constraints: {pattern: \"[0-9\"}"))
            .hasPrefix("readings.yaml:15: schema.fields[2].constraints.pattern: only a string field takes pattern"))
        #expect(try error("- just\n- a list\n") == "readings.yaml:1: a contract is a YAML mapping of keys (dataset, table, input, schema, ...)")
    }

    @Test func test_a_foreign_key_reads_the_referenced_contract_beside_it() throws {
        try folder.write("stations.yaml", """
            dataset: stations
            table: weather.stations
            input: {file: stations.csv}
            schema:
              fields:
                - {name: code, type: string, constraints: {required: true}}
              primaryKey: code
            """)
        let path = try folder.write("readings.yaml", Self.valid + "\n  foreignKeys:\n    - fields: station\n      reference: {resource: stations, fields: code}\n")
        let contract = try ContractReader.read(path)
        #expect(contract.foreignKeys.map(\.table) == [TableName(schema: "weather", name: "stations")])
        #expect(try error(Self.valid + "\n  foreignKeys:\n    - fields: station\n      reference: {resource: stations, fields: name}\n")
            == "readings.yaml:18: schema.foreignKeys[0].reference.fields: weather.stations has no primary key or unique field name to reference")
    }

    static let withInputs = """
        dataset: shops
        mode: replace
        replaces: [retail.sales, retail.shops]
        inputs:
          - name: sales
            file: sales.csv
            categories: retail
            schema:
              missingValues: ["?"]
              fields:
                - {name: shop, category: true}
                - {name: amount, type: number, constraints: {minimum: 0}}
            copy: {table: retail.sales, columns: [shop_id, amount]}
        """

    @Test func test_a_contract_with_inputs_names_its_tables_and_copy_columns() throws {
        let contract = try ContractReader.read(try folder.write("shops.yaml", Self.withInputs))
        #expect(contract.declaredTable == nil)
        #expect(contract.replaces.map(\.description) == ["retail.sales", "retail.shops"])
        let dataset = contract.dataset()
        #expect(dataset.inputs.map(\.copyColumns) == [["shop_id", "amount", "source_line"]])
        #expect(dataset.inputs[0].categoryLookups == "retail")
        #expect(dataset.inputs[0].columns.map(\.missing) == [["?"], ["?"]])
        #expect(try error(Self.withInputs.replacingOccurrences(of: "columns: [shop_id, amount]", with: "columns: [shop_id]"), file: "shops.yaml")
            == "shops.yaml:13: inputs[0].copy.columns: names 1 columns for the 2 fields")
        #expect(try error(Self.withInputs.replacingOccurrences(of: "    categories: retail\n", with: ""), file: "shops.yaml")
            == "shops.yaml:5: inputs[0].categories: field \"shop\" is a category: name the schema of the lookup tables")
        #expect(try error(Self.withInputs.replacingOccurrences(of: "amount]}", with: "amount], position: at}"), file: "shops.yaml")
            == "shops.yaml:13: inputs[0].copy.position: only a JSON input's records have a position")
        #expect(try error(Self.withInputs.replacingOccurrences(of: "mode: replace", with: "mode: merge"), file: "shops.yaml")
            == "shops.yaml:2: mode: \"merge\" is not replace or partition (a contract with inputs fills tables of sql/migrations)")
        // The tables the shrink guard compares after the transforms: among those the load replaces.
        let guarded = Self.withInputs + "\nrejects: {shrink_tables: [retail.sales]}\n"
        #expect(try ContractReader.read(try folder.write("shops.yaml", guarded)).dataset().shrinkTables == ["retail.sales"])
        #expect(try error(guarded.replacingOccurrences(of: "[retail.sales]}", with: "[retail.totals]}"), file: "shops.yaml")
            == "shops.yaml:14: rejects.shrink_tables: retail.totals is not among the tables the load replaces (replaces)")
        #expect(try error(Self.valid + "\nrejects: {shrink_tables: [weather.readings]}\n")
            == "readings.yaml:16: rejects.shrink_tables: is for contracts with inputs whose transforms fill tables of sql/migrations; the declared table's own rows are guarded already")
    }
}
