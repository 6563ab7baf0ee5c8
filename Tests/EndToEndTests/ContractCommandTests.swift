import Foundation
import Postgres
import TestSupport
import Testing

/// The contract commands as a user runs them: plan and apply as the administrator, load as the writer, on the
/// example contract for a public file that is none of pgpipe's own datasets.
@Suite struct ContractCommandTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    let contract = "examples/wine_cellar.yaml"

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    func ingest(_ arguments: [String], as role: String? = nil) throws -> ToolRun {
        try runTool("ingest", arguments, environment: role.map(database.environment(as:)) ?? database.environment)
    }

    func scalar(_ query: String) throws -> String {
        try database.connect().query(SQLQuery(unescaped: query)).rows[0].decode(String.self, 0)
    }

    @Test func test_plan_apply_and_load_a_public_file_through_its_contract() throws {
        let load = ["load", "--contract", contract, "--data-dir", "examples", "--rejects", "\(folder.path)/rejects.jsonl", "--quiet"]
        let early = try ingest(load)
        #expect(early.status == 78)
        #expect(early.stderr.contains("dataset wine_cellar is not applied to this database: run `ingest apply --contract examples/wine_cellar.yaml` as the administrator"), "\(early.stderr)")

        let plan = try ingest(["plan", "--contract", contract])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("CREATE TABLE \"cellar\".\"consumption\" (\n    \"Country/Region\" text NOT NULL,"))
        let apply = try ingest(["apply", "--contract", contract])
        #expect(apply.stdout == "cellar.consumption: applied 6 statements from examples/wine_cellar.yaml\n", "\(apply.stderr)")
        #expect(try ingest(["plan", "--contract", contract]).stdout == "-- cellar.consumption matches examples/wine_cellar.yaml: nothing to apply\n")

        // The writer loads it: six consumptions written in words and one repeated product are rejected. The sum is
        // what Python's csv and decimal modules give for the rows kept (the first of a repeated product).
        let run = try ingest(load, as: "pgpipe_ingest")
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stdout == "read 223, loaded 216, rejected 7\n")
        #expect(try scalar("SELECT count(*) || ' ' || sum(\"Consumption April 2014 - March 2015\") FROM cellar.consumption") == "216 5658.75")
        #expect(try scalar("SELECT string_agg(line || ':' || reason, '; ' ORDER BY line) FROM ingest.rejects WHERE line > 213")
            == "214:not a decimal number; 224:duplicate of line 44 (Product name)")
        let rejects = try String(contentsOfFile: "\(folder.path)/rejects.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(rejects.count == 7)
        // The summary role reads the table; it may not write it.
        #expect(try database.connect(as: "pgpipe_summary").query("SELECT count(*) FROM cellar.consumption").rows[0].decode(Int.self, 0) == 216)
        // The same load again leaves the table as one load did.
        #expect(try ingest(load, as: "pgpipe_ingest").status == 65)
        #expect(try scalar("SELECT count(*) FROM cellar.consumption") == "216")
    }

    /// `ingest infer` on the wine cellar's file, gzipped: the draft, written to a file as a user would, is
    /// applied and loaded as it is; every record is loaded (the draft typed the words as text) and the ledger
    /// has the stored file's sha256.
    @Test func test_infer_writes_a_draft_that_apply_and_load_take() throws {
        func shell(_ command: String) throws -> String {
            let process = Process(), output = Pipe()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text
        }
        _ = try shell("gzip -nc examples/wine_cellar/wine_cellar_2014-15.csv > '\(folder.path)/cellar.csv.gz'")
        let infer = try ingest(["infer", "\(folder.path)/cellar.csv.gz"])
        #expect(infer.status == 0, "\(infer.stderr)")
        #expect(infer.stdout.contains("table: imports.cellar\n"))
        #expect(infer.stdout.contains("    - name: \"Consumption April 2014 - March 2015\"\n      type: string"))
        let draft = try folder.write("cellar.yaml", infer.stdout)
        #expect(try ingest(["apply", "--contract", draft]).status == 0)
        let load = try ingest(["load", "--contract", draft, "--data-dir", folder.path, "--quiet"], as: "pgpipe_ingest")
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stdout == "read 223, loaded 223, rejected 0\n")
        let sha256 = String(try shell("sha256sum '\(folder.path)/cellar.csv.gz'").prefix(64))
        #expect(try scalar("SELECT sha256 FROM ingest.run_sources ORDER BY run_id DESC LIMIT 1") == sha256)
        // Not a CSV: one line, exit 65, no draft.
        let page = try ingest(["infer", try folder.write("page.csv", "<!DOCTYPE html><p>Not found</p>\n")])
        #expect(page.status == 65)
        #expect(page.stdout.isEmpty)
        #expect(page.stderr.hasSuffix("is an HTML page, not a data file (a download that returned an error page?)\n"), "\(page.stderr)")
    }

    /// A census day file misnamed in the incoming folder stops `ingest all` before anything is loaded (66),
    /// unless --ignore-other-files.
    @Test func test_a_misnamed_day_file_stops_ingest_all() throws {
        let data = "\(folder.path)/data"
        try FileManager.default.createDirectory(atPath: "\(data)/census/incoming", withIntermediateDirectories: true)
        _ = try folder.write("data/census/incoming/2026-13-01.csv", "x\n")
        let run = try ingest(["all", "--data-dir", data, "--quiet"])
        #expect(run.status == 66)
        #expect(run.stderr.contains("2026-13-01.csv: is not a daily file (named YYYY-MM-DD.csv, a real date): rename it, move it away, or give --ignore-other-files"), "\(run.stderr)")
        #expect(try scalar("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'ingest'") == "0")
    }

    @Test func test_a_bad_contract_stops_before_any_connection() throws {
        let bad = try folder.write("bad.yaml", "dataset: wine\ntable: cellar.wine\ninput: {file: x.csv}\nschema:\n  fields:\n    - {name: a, type: text}\n")
        var unreachable = database.environment
        unreachable["PGHOST"] = "127.0.0.1"
        unreachable["PGPORT"] = "1"
        for command in [["plan"], ["apply"], ["load"]] {
            let run = try runTool("ingest", command + ["--contract", bad], environment: unreachable)
            #expect(run.status == 78)
            #expect(run.stderr == "ingest: error: \(bad):6: schema.fields[0].type: \"text\" is not a type pgpipe loads; types are string, integer, number, boolean, date, datetime\n")
        }
        let missing = try runTool("ingest", ["load", "--contract", "\(folder.path)/none.yaml"], environment: unreachable)
        #expect(missing.status == 66)
        let named = try folder.write("people.yaml", try String(contentsOfFile: Repository.path(contract), encoding: .utf8).replacingOccurrences(of: "dataset: wine_cellar", with: "dataset: people"))
        let clash = try ingest(["load", "--contract", named, "--data-dir", "examples"])
        #expect(clash.status == 64)
        #expect(clash.stderr == "ingest: error: \(named): dataset people is already datasets/people.yaml; give the contract a name of its own\n")
        let both = try ingest(["load", "people", "--contract", contract])
        #expect(both.status == 64)
        let batch = try ingest(["load", "--contract", contract, "--batch", "2026-01-01", "--data-dir", "examples"])
        #expect(batch.status == 64)
        #expect(batch.stderr.contains("--batch: examples/wine_cellar.yaml is loaded in mode replace, not by partition"))
    }
}
