import Formats

/// An RFC 9457 problem: what went wrong with a request, as `application/problem+json`.
public struct Problem: Error, Sendable {
    /// One bad field of one record.
    public struct FieldError: Sendable, Equatable {
        /// The record's position in the request (0 for a single record).
        public let record: Int
        public let field: String
        public let reason: String

        public init(record: Int, field: String, reason: String) {
            self.record = record
            self.field = field
            self.reason = reason
        }
    }

    public let status: Int
    public let title: String
    public let detail: String
    public var errors: [FieldError] = []

    public init(status: Int, title: String, detail: String, errors: [FieldError] = []) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    public static let contentType = "application/problem+json"

    public var json: [UInt8] {
        var fields: [(String, JSONText.Value)] = [
            ("type", .string("about:blank")), ("title", .string(title)), ("status", .number(String(status))),
            ("detail", .string(detail)),
        ]
        if !errors.isEmpty {
            fields.append(("errors", .array(errors.map {
                .object([("record", .number(String($0.record))), ("field", .string($0.field)), ("reason", .string($0.reason))])
            })))
        }
        var out: [UInt8] = []
        JSONText.appendObject(fields, to: &out)
        return out
    }
}
