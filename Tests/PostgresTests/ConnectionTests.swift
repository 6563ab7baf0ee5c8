import Foundation
@testable import Postgres
import TestSupport
import Testing

@Suite struct ConnectionTests {
    let database: ScratchDatabase
    let connection: Connection

    init() throws {
        database = try ScratchDatabase()
        connection = try database.connect()
    }

    @Test func test_server_error_carries_sqlstate_message_and_position() throws {
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT * FROM no_such_table")
        }
        #expect(error.kind == .server)
        #expect(error.sqlState == "42P01")
        #expect(error.message == "relation \"no_such_table\" does not exist")
        #expect(error.position == 15)
    }

    @Test func test_constraint_error_carries_detail() throws {
        try connection.execute(script: "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
        let error = try #require(throws: PostgresError.self) {
            try connection.query("INSERT INTO t VALUES (\(1))")
        }
        #expect(error.sqlState == "23505")
        #expect(error.detail == "Key (id)=(1) already exists.")
    }

    @Test func test_error_carries_hint() throws {
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT no_such_function(\(1)::int)")
        }
        #expect(error.sqlState == "42883")
        #expect(error.hint?.contains("No function matches") == true)
    }

    @Test func test_unreachable_server_is_a_connection_error_without_password() throws {
        let error = try #require(throws: PostgresError.self) {
            try Connection(PostgresConfiguration(conninfo: "postgresql://u:s3cret@127.0.0.1:1/x?connect_timeout=2"))
        }
        #expect(error.kind == .connection)
        #expect(!error.description.contains("s3cret"))
    }

    @Test func test_a_session_ended_by_the_server_is_a_lost_connection_not_a_statement_error() throws {
        // The server's own words that the session is over, however libpq hands them over.
        for state in ["57P01", "57P02", "57P03", "08006", "08003"] { #expect(PostgresError.endsTheSession(state)) }
        for state in ["57014", "40001", "42P01", "23505", "XX000"] { #expect(!PostgresError.endsTheSession(state)) }
        #expect(!PostgresError.endsTheSession(nil))
        // A session terminated in the middle of a COPY, as a server stopping does (57P01).
        let other = try database.connect()
        let pid = try connection.query("SELECT pg_backend_pid()").rows[0].decode(Int.self, 0)
        try connection.execute(script: "CREATE TABLE t (v int)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY t (v) FROM STDIN") { writer in
                for byte in "1\n".utf8 { try writer.write(byte) }
                try other.query("SELECT pg_terminate_backend(\(pid))")
            }
        }
        #expect(error.kind == .connection)
    }

    @Test func test_only_a_temporary_name_lookup_failure_is_asked_again() throws {
        let temporary = PostgresError(.connection, message: "could not translate host name \"database\" to address: Temporary failure in name resolution")
        #expect(temporary.isTemporaryLookupFailure)
        // An unknown host is final: one lookup, the resolver's own answer.
        let unknown = try #require(throws: PostgresError.self) {
            try Connection(PostgresConfiguration(conninfo: "postgresql://u@no-such-host.invalid/x"))
        }
        #expect(unknown.kind == .connection)
        #expect(!unknown.isTemporaryLookupFailure)
        #expect(!PostgresError(.authentication, message: "Temporary failure in name resolution").isTemporaryLookupFailure)
    }

    @Test func test_an_unknown_host_is_asked_again_only_after_it_resolved() {
        // The failure that stopped a compose load on its 31st connection: the network's DNS forgot `database` for a
        // moment while other containers joined. A host this process never reached is a typo, final at once.
        let unknown = PostgresError(.connection, message: "could not translate host name \"database\" to address: Name or service not known")
        #expect(Connection.asksAgain(after: unknown, resolvedBefore: true))
        #expect(!Connection.asksAgain(after: unknown, resolvedBefore: false))
        let refused = PostgresError(.connection, message: "connection to server at \"127.0.0.1\", port 1 failed: Connection refused")
        #expect(!Connection.asksAgain(after: refused, resolvedBefore: true))
        let temporary = PostgresError(.connection, message: "could not translate host name \"database\" to address: Temporary failure in name resolution")
        #expect(Connection.asksAgain(after: temporary, resolvedBefore: false))
    }

    @Test func test_configuration_prefers_url_then_database_url_then_pg_environment() throws {
        let environment = ["DATABASE_URL": "postgresql://a@b/c", "PGHOST": "ignored"]
        #expect(try PostgresConfiguration.resolve(url: "postgresql://x@y/z", environment: environment).conninfo == "postgresql://x@y/z")
        #expect(try PostgresConfiguration.resolve(environment: environment).conninfo == "postgresql://a@b/c")
        #expect(try PostgresConfiguration.resolve(environment: ["PGHOST": "h"]).conninfo == "")
    }

    @Test func test_configuration_description_redacts_password() {
        #expect(PostgresConfiguration(conninfo: "postgresql://u:pw@h:5432/d").description == "postgresql://u:***@h:5432/d")
        #expect(PostgresConfiguration(conninfo: "host=h password=pw dbname=d").description == "host=h password=*** dbname=d")
    }

    @Test func test_parameters_round_trip_multibyte_text_and_quotes() throws {
        let names = ["Σωκράτης", "ნინო", "Пётр", "王秀英", "O'Brien\"; DROP TABLE x; --", "Zoë"]
        for name in names {
            let row = try #require(try connection.query("SELECT \(name)::text AS v, octet_length(\(name)::text) AS n").rows.first)
            #expect(try row.decode(String.self, "v") == name)
            #expect(try row.decode(Int.self, "n") == name.utf8.count)
        }
    }

    @Test func test_typed_rows_decode_and_null_is_reported() throws {
        let one: Int? = 1
        let result = try connection.query(
            "SELECT 42::int8 AS n, 2.5::float8 AS f, true AS b, NULL::text AS missing, \(one)::int + 1 AS p")
        let row = try #require(result.rows.first)
        #expect(try row.decode(Int64.self, "n") == 42)
        #expect(try row.decode(Double.self, "f") == 2.5)
        #expect(try row.decode(Bool.self, "b"))
        #expect(try row.decode(String?.self, "missing") == nil)
        #expect(try row.decode(Int.self, "p") == 2)
        #expect(result.columns.map(\.typeOID) == [20, 701, 16, 25, 23])
        let error = try #require(throws: PostgresError.self) { try row.decode(String.self, "missing") }
        #expect(error.kind == .decoding)
    }

    @Test func test_nul_in_parameter_is_refused() throws {
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT \("a\u{0}b")::text") }
        #expect(error.kind == .usage)
    }

    @Test func test_interpolated_values_become_numbered_parameters() {
        let name = "O'Brien; DROP TABLE t", missing: Int? = nil
        let query: SQLQuery = "SELECT * FROM \(identifier: "people", "we\"ird") WHERE name = \(name) AND n = \(missing) AND \(unescaped: "true")"
        #expect(query.sql == #"SELECT * FROM "people"."we""ird" WHERE name = $1 AND n = $2 AND true"#)
        #expect(query.binds == ["O'Brien; DROP TABLE t", nil])
    }

    @Test func test_a_value_that_looks_like_sql_is_stored_as_data() throws {
        try connection.execute(script: "CREATE TABLE t (v text)")
        let value = "x'); DROP TABLE t; --"
        try connection.query("INSERT INTO t VALUES (\(value))")
        #expect(try connection.query("SELECT v FROM t").rows.map { $0[0] } == [value])
    }

    @Test func test_copy_refuses_parameters() throws {
        let error = try #require(throws: PostgresError.self) { try connection.copyIn("COPY t FROM STDIN WHERE \(1) = 1") { _ in } }
        #expect(error.kind == .usage)
    }

    @Test func test_transaction_isolation_and_read_only_reach_the_server() throws {
        let settings = try connection.withTransaction(isolation: .repeatableRead, readOnly: true) {
            try connection.query("SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')").rows[0]
        }
        #expect(settings[0] == "repeatable read")
        #expect(settings[1] == "on")
        let write = try #require(throws: PostgresError.self) {
            try connection.withTransaction(readOnly: true) { try connection.execute(script: "CREATE TABLE w (v int)") }
        }
        #expect(write.sqlState == "25006")
    }

    @Test func test_a_transaction_inside_another_is_a_savepoint_that_commits_with_it() throws {
        try connection.execute(script: "CREATE TABLE t (v int)")
        struct InnerFailed: Error {}
        try connection.withTransaction {
            try connection.query("INSERT INTO t VALUES (\(1))")
            try connection.withTransaction { try connection.query("INSERT INTO t VALUES (\(2))") }
            #expect(throws: InnerFailed.self) {
                try connection.withTransaction {
                    try connection.query("INSERT INTO t VALUES (\(3))")
                    throw InnerFailed()
                }
            }
            // The failed inner work is undone, the outer transaction goes on.
            #expect(try database.connect().query("SELECT count(*) FROM t").rows[0].decode(Int.self, 0) == 0)
        }
        #expect(try connection.query("SELECT string_agg(v::text, ',' ORDER BY v) FROM t").rows[0][0] == "1,2")
    }

    @Test func test_failed_commit_is_a_commit_error_and_is_not_followed_by_rollback() throws {
        try connection.execute(script: """
            CREATE TABLE parent (id int PRIMARY KEY);
            CREATE TABLE child (id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED)
            """)
        let error = try #require(throws: TransactionError.self) {
            try connection.withTransaction { try connection.query("INSERT INTO child VALUES (\(1))") }
        }
        #expect(error.bodyError == nil)
        #expect(error.rollbackError == nil)
        #expect((error.commitError as? PostgresError)?.sqlState == "23503")
        // The session is usable and outside any transaction: no stray ROLLBACK warning, a new transaction begins.
        #expect(try connection.query("SELECT count(*) FROM child").rows[0].decode(Int.self, 0) == 0)
        try connection.withTransaction { try connection.query("INSERT INTO parent VALUES (\(1))") }
    }

    @Test func test_commit_of_an_aborted_transaction_is_an_error_not_a_silent_rollback() throws {
        try connection.execute(script: "CREATE TABLE t (v int)")
        let error = try #require(throws: TransactionError.self) {
            try connection.withTransaction {
                try connection.query("INSERT INTO t VALUES (\(1))")
                _ = try? connection.query("SELECT 1/0")  // swallowed: the transaction is aborted
            }
        }
        #expect(error.commitError != nil)
        #expect(try connection.query("SELECT count(*) FROM t").rows[0].decode(Int.self, 0) == 0)
    }

    @Test func test_rollback_failure_keeps_the_body_error_beside_it() throws {
        let other = try database.connect()
        let pid = try connection.query("SELECT pg_backend_pid()").rows[0].decode(Int.self, 0)
        struct BodyFailed: Error {}
        let error = try #require(throws: TransactionError.self) {
            try connection.withTransaction {
                // The session is ended under the transaction, so its ROLLBACK cannot reach the server.
                try other.query("SELECT pg_terminate_backend(\(pid))")
                throw BodyFailed()
            }
        }
        #expect(error.bodyError is BodyFailed)
        #expect(error.rollbackError != nil)
        #expect(error.commitError == nil)
    }

    @Test func test_transaction_rolls_back_on_error() throws {
        try connection.execute(script: "CREATE TABLE t (v text)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try connection.withTransaction {
                try connection.query("INSERT INTO t VALUES (\("kept?"))")
                throw Boom()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM t").rows[0].decode(Int.self, 0) == 0)
        try connection.withTransaction { try connection.query("INSERT INTO t VALUES (\("kept"))") }
        #expect(try connection.query("SELECT count(*) FROM t").rows[0].decode(Int.self, 0) == 1)
    }

    @Test func test_copy_in_and_out_round_trip_bytes() throws {
        try connection.execute(script: "CREATE TABLE t (id int, name text)")
        let payload = "1\tΣωκράτης\n2\tZoë \\\\ back\\tslash\n3\t\\N\n"
        let copied = try connection.copyIn("COPY t (id, name) FROM STDIN") { writer in
            for byte in payload.utf8 { try writer.write(byte) }
        }
        #expect(copied == 3)
        var out: [UInt8] = []
        let rows = try connection.copyOut("COPY (SELECT id, name FROM t ORDER BY id) TO STDOUT") { out.append(contentsOf: $0) }
        #expect(rows == 3)
        #expect(String(decoding: out, as: UTF8.self) == payload)
        #expect(try connection.query("SELECT name FROM t WHERE id = 2").rows[0][0] == "Zoë \\ back\tslash")
    }

    @Test func test_copy_in_with_small_buffer_streams_many_chunks() throws {
        try connection.execute(script: "CREATE TABLE t (n int)")
        let copied = try connection.copyIn("COPY t FROM STDIN", flushThreshold: 16) { writer in
            for n in 0..<10_000 { try writer.write(Array("\(n)\n".utf8)) }
        }
        #expect(copied == 10_000)
        #expect(try connection.query("SELECT sum(n) FROM t").rows[0].decode(Int.self, 0) == 49_995_000)
    }

    @Test func test_copy_in_reports_bad_data_from_final_result_and_connection_stays_usable() throws {
        try connection.execute(script: "CREATE TABLE t (n int CHECK (n > 0))")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY t FROM STDIN") { try $0.write(Array("1\n-5\n".utf8)) }
        }
        #expect(error.sqlState == "23514")
        #expect(try connection.query("SELECT count(*) FROM t").rows[0].decode(Int.self, 0) == 0)
    }

    @Test func test_copy_in_aborted_by_client_keeps_nothing() throws {
        try connection.execute(script: "CREATE TABLE t (n int)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try connection.copyIn("COPY t FROM STDIN") { writer in
                try writer.write(Array("1\n".utf8))
                throw Stop()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM t").rows[0].decode(Int.self, 0) == 0)
    }

    @Test func test_advisory_lock_serialises_sessions() throws {
        let other = try database.connect()
        try connection.withAdvisoryLock("dataset:people") {
            let free = try other.query("SELECT pg_try_advisory_lock(hashtextextended(\("dataset:people"), 0))")
            #expect(try free.rows[0].decode(Bool.self, 0) == false)
        }
        let free = try other.query("SELECT pg_try_advisory_lock(hashtextextended(\("dataset:people"), 0))")
        #expect(try free.rows[0].decode(Bool.self, 0))
    }

    @Test func test_identifier_quoting_doubles_quotes() throws {
        #expect(Identifier.quoted("people", "we\"ird") == "\"people\".\"we\"\"ird\"")
        try connection.execute(script: "CREATE SCHEMA \"odd\"\"schema\"")
        try connection.query("CREATE TABLE \(identifier: "odd\"schema", "t; DROP") (v int)")
        let count = try connection.query("SELECT count(*) FROM pg_tables WHERE schemaname = \("odd\"schema") AND tablename = \("t; DROP")")
        #expect(try count.rows[0].decode(Int.self, 0) == 1)
    }
}
