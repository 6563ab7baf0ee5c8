import Failures
import Foundation
@testable import Schema
import TestSupport
import Testing

/// The SQL folder is read at run time, so an edited file must fail when it is read, by name, not later with the
/// server's words about a parameter.
@Suite struct SQLFolderTests {
    @Test func test_a_statement_counts_only_the_parameters_outside_comments_literals_and_quotes() {
        let text = """
            SELECT $2, x::int -- $9
            , '$7 it''s', "$8", $$ $5 $$, $tag$ $6 $tag$ /* $4 */
            """
        #expect(SQLFolder.parameterCount(text) == 2)
        #expect(SQLFolder.parameterCount("SELECT 1") == 0)
    }

    @Test func test_a_file_given_another_number_of_values_than_it_takes_is_a_configuration_error() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: "\(folder.path)/queries", withIntermediateDirectories: true)
        try folder.write("queries/pair.sql", Array("SELECT $1, $2\n".utf8))
        let sql = SQLFolder(root: folder.path)
        #expect(try sql.query("pair.sql", ["a", "b"]).binds.count == 2)
        let error = try #require(throws: SQLFileError.self) { try sql.query("pair.sql", ["a"]) }
        #expect(error.failure == .configuration)
        #expect(error.description.contains("\(folder.path)/queries/pair.sql: the statement takes 2 parameters, the program gives 1"))
    }

    @Test func test_a_fragment_fills_its_own_name_only() {
        // psql's reading: `::bucket` is a cast and `:bucket_sets` another variable, neither is `:bucket`.
        let text = "SELECT :bucket, :bucket_sets, x::bucket, :bucket)"
        let filled = SQLFolder.filling("bucket", with: "$1 \\0", in: text)
        #expect(filled == "SELECT $1 \\0, :bucket_sets, x::bucket, $1 \\0)")
    }
}
