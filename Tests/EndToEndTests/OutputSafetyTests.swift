import Foundation
import Postgres
import TestSupport
import Testing

/// What `ingest --rejects` and `summary --output` may write over: only regular files, never an input of the
/// run; everything else is refused with 73 before anything is written, and left as it was.
@Suite struct OutputSafetyTests {
    let database: ScratchDatabase
    let folder: TemporaryFolder
    let peopleData = Repository.path("data")

    init() throws {
        database = try ScratchDatabase()
        folder = try TemporaryFolder()
    }

    /// A copy of the real people data in the test's folder.
    func dataFolder() throws -> String {
        let data = "\(folder.path)/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        for file in ["places.csv", "people.csv"] where !FileManager.default.fileExists(atPath: "\(data)/\(file)") {
            try FileManager.default.copyItem(atPath: "\(peopleData)/\(file)", toPath: "\(data)/\(file)")
        }
        return data
    }

    func loadPeople(rejects: String) throws -> ToolRun {
        try runTool("ingest", ["load", "people", "--data-dir", try dataFolder(), "--rejects", rejects, "--quiet"], environment: database.environment)
    }

    func runs() throws -> Int {
        try database.connect().query("SELECT count(*) FROM pg_tables WHERE schemaname = 'ingest' AND tablename = 'runs'").rows[0].decode(Int.self, 0) == 0
            ? 0 : try database.connect().query("SELECT count(*) FROM ingest.runs").rows[0].decode(Int.self, 0)
    }

    @Test func test_rejects_at_a_directory_is_refused_and_the_directory_kept() throws {
        let directory = "\(folder.path)/keep"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try folder.write("keep/precious.txt", "do not delete")
        let run = try loadPeople(rejects: directory)
        #expect(run.status == 73, "\(run.stderr)")
        #expect(run.stderr.contains("\(directory): is a directory, and only a regular file is replaced"), "\(run.stderr)")
        #expect(try String(contentsOfFile: "\(directory)/precious.txt", encoding: .utf8) == "do not delete")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".partial") } == [])
        #expect(try runs() == 0, "refused before the load started")
    }

    @Test func test_rejects_at_a_device_or_fifo_is_refused_and_left_alone() throws {
        let fifo = "\(folder.path)/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, kind) in [("/dev/null", "a character device"), (fifo, "a FIFO (named pipe)")] {
            let run = try loadPeople(rejects: path)
            #expect(run.status == 73, "\(run.stderr)")
            #expect(run.stderr.contains("\(path): is \(kind)"), "\(run.stderr)")
        }
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR, "/dev/null is still a device")
        #expect(stat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
        #expect(try runs() == 0)
    }

    @Test func test_rejects_at_an_input_of_the_run_is_refused_under_any_name() throws {
        let data = try dataFolder()
        let before = try Data(contentsOf: URL(fileURLWithPath: "\(data)/people.csv"))
        #expect(link("\(data)/people.csv", "\(folder.path)/hardlink.csv") == 0)
        #expect(symlink("\(data)/places.csv", "\(folder.path)/symlink.csv") == 0)
        for path in ["\(data)/people.csv", "\(data)/../data/places.csv", "\(folder.path)/hardlink.csv"] {
            let run = try loadPeople(rejects: path)
            #expect(run.status == 73, "\(path): \(run.stderr)")
            #expect(run.stderr.contains("is an input of this run; it is not overwritten"), "\(run.stderr)")
        }
        let symlinked = try loadPeople(rejects: "\(folder.path)/symlink.csv")
        #expect(symlinked.status == 73)
        #expect(symlinked.stderr.contains("is a symbolic link"), "\(symlinked.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(data)/people.csv")) == before)
        #expect(try runs() == 0)
    }

    @Test func test_rejects_file_that_cannot_be_created_names_the_os_reason() throws {
        let run = try loadPeople(rejects: "\(folder.path)/no/such/folder/rejects.jsonl")
        #expect(run.status == 73)
        #expect(run.stderr.contains("No such file or directory"), "\(run.stderr)")
        let file = try folder.write("plain", "x")
        let underFile = try loadPeople(rejects: "\(file)/rejects.jsonl")
        #expect(underFile.status == 73)
        #expect(underFile.stderr.contains("Not a directory"), "\(underFile.stderr)")
    }

    /// A regular file at the rejects path is an earlier run's rejects: a load without rejects takes it away
    /// (it must not pass for this load's), as a load with rejects replaces it.
    @Test func test_a_regular_rejects_file_from_an_earlier_run_is_not_left_for_this_one() throws {
        let path = try folder.write("rejects.jsonl", "old\n")
        let run = try loadPeople(rejects: path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.contains("partial") })
    }

    @Test func test_summary_refuses_a_directory_at_a_report_name_before_writing_anything() throws {
        #expect(try loadPeople(rejects: "\(folder.path)/rejects.jsonl").status == 0)
        let output = "\(folder.path)/reports"
        try FileManager.default.createDirectory(atPath: "\(output)/summary_output.json", withIntermediateDirectories: true)
        try folder.write("reports/summary_output.json/inside.txt", "kept")
        let run = try runTool("summary", ["--output", output], environment: database.environment)
        #expect(run.status == 73, "\(run.stderr)")
        #expect(run.stderr.contains("summary_output.json: is a directory"), "\(run.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        #expect(left == ["summary_output.json"], "nothing written, no .partial left: \(left)")
        #expect(try String(contentsOfFile: "\(output)/summary_output.json/inside.txt", encoding: .utf8) == "kept")
    }

    @Test func test_summary_creates_a_missing_output_folder_and_names_the_reason_when_it_cannot() throws {
        #expect(try loadPeople(rejects: "\(folder.path)/rejects.jsonl").status == 0)
        let output = "\(folder.path)/new/nested/reports"
        let run = try runTool("summary", ["summary_output", "--output", output], environment: database.environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(output)/summary_output.json"))
        let file = try folder.write("a-file", "x")
        let blocked = try runTool("summary", ["summary_output", "--output", "\(file)/reports"], environment: database.environment)
        #expect(blocked.status == 73)
        #expect(blocked.stderr.contains("Not a directory"), "\(blocked.stderr)")
    }

    /// `--file NAME=PATH` puts one file of the run elsewhere (the people brief's data/summary_output.json), and
    /// only there; the manifest lists it with the rest. A name the run does not write, or one given twice, is
    /// a usage error before anything is written.
    @Test func test_summary_writes_a_file_named_with_file_at_its_own_path() throws {
        #expect(try loadPeople(rejects: "\(folder.path)/rejects.jsonl").status == 0)
        let output = "\(folder.path)/reports", placed = "\(folder.path)/brief/summary_output.json"
        let run = try runTool(
            "summary", ["summary_output", "--output", output, "--file", "summary_output.json=\(placed)"], environment: database.environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: placed)) == Data(contentsOf: URL(fileURLWithPath: Repository.path("data/sample_output.json"))))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted() == ["summary_manifest.json", "summary_output.csv"])
        #expect(try String(contentsOfFile: "\(output)/summary_manifest.json", encoding: .utf8).contains("summary_output.json"))

        for bad in [["--file", "nothing.json=\(placed)"], ["--file", "summary_output.json"], ["--file", "summary_output.csv=a", "--file", "summary_output.csv=b"]] {
            let refused = try runTool("summary", ["summary_output", "--output", "\(folder.path)/refused"] + bad, environment: database.environment)
            #expect(refused.status == 64, "\(bad): \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/refused"))
        }
        // A typo is named with what it most likely meant, in a line short enough to read.
        let typo = try runTool("summary", ["summary_output", "--output", output, "--file", "summary_ouput.json=\(placed)"], environment: database.environment)
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("this run writes no file summary_ouput.json (did you mean summary_output.json?)"), "\(typo.stderr)")
        #expect(typo.stderr.count < 400, "\(typo.stderr)")
    }
}
