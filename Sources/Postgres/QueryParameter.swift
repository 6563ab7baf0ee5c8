/// A value sent as a query parameter, in Postgres's text format. The server parses it with the
/// parameter's inferred type, so nothing is ever spliced into SQL text.
public protocol QueryParameter {
    var postgresText: String { get }
}

extension String: QueryParameter {
    public var postgresText: String { self }
}

extension Substring: QueryParameter {
    public var postgresText: String { String(self) }
}

extension Int: QueryParameter {
    public var postgresText: String { String(self) }
}

extension Int64: QueryParameter {
    public var postgresText: String { String(self) }
}

extension Int32: QueryParameter {
    public var postgresText: String { String(self) }
}

extension Double: QueryParameter {
    public var postgresText: String { "\(self)" }
}

extension Bool: QueryParameter {
    public var postgresText: String { self ? "true" : "false" }
}
