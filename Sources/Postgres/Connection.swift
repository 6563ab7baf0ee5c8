import CLibPQ
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection, used from one thread at a time. Statements are `SQLQuery` values sent with
/// PQexecParams, so values travel as parameters, never inside SQL text.
public final class Connection {
    let handle: OpaquePointer

    /// Connects, or throws a `.connection` error with libpq's reason (never the password).
    public init(_ configuration: PostgresConfiguration) throws {
        // Keywords before dbname are defaults its conninfo or URL may override, those after it override
        // them; the password stays out of the conninfo. A server that accepts and never answers must not hang
        // us: a 10 s connect timeout unless PGCONNECT_TIMEOUT or the URL says otherwise, and TCP keepalives
        // that notice a dead peer within a minute.
        var keywords: [String] = [], values: [String?] = []
        if getenv("PGCONNECT_TIMEOUT") == nil {
            keywords.append("connect_timeout"); values.append(String(Self.defaultConnectTimeout))
        }
        for (keyword, value) in [("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3")] {
            keywords.append(keyword); values.append(value)
        }
        keywords.append("dbname"); values.append(configuration.conninfo)
        if let password = configuration.password { keywords.append("password"); values.append(password) }
        // A resolver that says its failure is temporary (EAI_AGAIN) is asked again, for a few seconds; so is one
        // that calls a host unknown after it connected us there earlier in this process (a container network's
        // DNS answers so for a moment while other containers join it). Every other failure is final at once.
        let resolvedBefore = Self.connectedConninfos.withLock { $0.contains(configuration.conninfo) }
        var attempt = 1
        while true {
            let connected = Self.withCStrings(keywords + [nil]) { keywords in
                Self.withCStrings(values + [nil]) { PQconnectdbParams(keywords, $0, 1) }
            }
            guard let handle = connected else {
                throw PostgresError(.connection, message: "libpq could not allocate a connection")
            }
            if PQstatus(handle) == CONNECTION_OK {
                self.handle = handle
                if !resolvedBefore { Self.connectedConninfos.withLock { _ = $0.insert(configuration.conninfo) } }
                break
            }
            let error = PostgresError(connectionFailure: handle)
            PQfinish(handle)
            guard Self.asksAgain(after: error, resolvedBefore: resolvedBefore), attempt < Self.lookupAttempts else { throw error }
            attempt += 1
            usleep(500_000)
        }
        PQsetNoticeReceiver(handle, Self.printWarnings, nil)
        // Everything we send and read is UTF-8, whatever the server's or the client's locale says.
        guard PQsetClientEncoding(handle, "UTF8") == 0 else {
            let error = PostgresError(.connection, connection: handle)
            PQfinish(handle)
            throw error
        }
    }

    deinit { PQfinish(handle) }

    /// Seconds a connection attempt may take, unless PGCONNECT_TIMEOUT or the conninfo set `connect_timeout`.
    public static let defaultConnectTimeout = 10

    /// How many times a host name is looked up while its failure may pass (0.5 s apart).
    public static let lookupAttempts = 20

    /// Whether a failed connection is worth another lookup: see `init`.
    static func asksAgain(after error: PostgresError, resolvedBefore: Bool) -> Bool {
        error.isTemporaryLookupFailure || (resolvedBefore && error.isLookupFailure)
    }

    /// The conninfos this process has connected to: a lookup failure for one of them is the resolver's, not a typo.
    private static let connectedConninfos = Mutex<Set<String>>([])

    /// libpq prints every notice by default, NOTICE chatter ("relation already exists, skipping") included;
    /// only warnings are worth a line on standard error.
    private static let printWarnings: PQnoticeReceiver = { _, result in
        guard let result,
            let severity = PQresultErrorField(result, Int32(CLibPQDiagSeverityNonLocalized.rawValue)),
            String(cString: severity) == "WARNING"
        else { return }
        let line = "postgres: warning: \(PostgresError(result: result).description)\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    /// Runs one statement, its interpolated values sent as parameters, and returns its rows.
    @discardableResult
    public func query(_ query: SQLQuery) throws -> QueryResult {
        for value in query.binds where value?.utf8.contains(0) == true {
            throw PostgresError(.usage, message: "a query parameter contains a NUL byte, which Postgres text cannot hold")
        }
        let result = Self.withCStrings(query.binds) { values in
            PQexecParams(handle, query.sql, Int32(values.count), nil, values, nil, nil, 0)
        }
        return try checked(result, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
    }

    /// Whether the server is a hot standby (in recovery): it can be read, not written.
    public func isStandby() throws -> Bool {
        try query("SELECT pg_is_in_recovery()").rows[0].decode(Bool.self, 0)
    }

    /// Runs a script of one or more statements without parameters (migrations, a dataset's transforms).
    /// Returns the last statement's result.
    @discardableResult
    public func execute(script sql: String) throws -> QueryResult {
        try checked(PQexec(handle, sql), expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
    }

    /// Wraps a result, or turns a failed one into a `PostgresError` carrying the server's fields.
    func checked(_ result: OpaquePointer?, expecting statuses: [ExecStatusType]) throws -> QueryResult {
        guard let result else { throw PostgresError(.connection, connection: handle) }
        let status = PQresultStatus(result)
        guard statuses.contains(status) else {
            let error = status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR
                ? PostgresError(result: result)
                : PostgresError(.usage, message: "unexpected result status \(String(cString: PQresStatus(status)))")
            PQclear(result)
            if PQstatus(handle) != CONNECTION_OK {
                throw PostgresError(.connection, message: "connection lost: \(error.message)", sqlState: error.sqlState)
            }
            throw error
        }
        return QueryResult(handle: result)
    }

    private static func withCStrings<R>(
        _ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R
    ) -> R {
        let copies = strings.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}
