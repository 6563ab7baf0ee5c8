/// A report's rows as plain values: each column's name and how its values read, each value as Postgres
/// printed it (nil for NULL). The renderers take a table, so they are tested without a database.
public struct Table: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A whole number: a JSON number.
        case integer
        /// A numeric or floating-point value: a JSON number when finite, else null.
        case decimal
        /// `t` or `f`: JSON true or false, `true` or `false` in CSV.
        case boolean
        /// A json or jsonb document, embedded as is.
        case json
        /// Anything else: a JSON string.
        case text
    }

    public struct Column: Sendable, Equatable {
        public let name: String
        public let kind: Kind

        public init(_ name: String, _ kind: Kind = .text) {
            self.name = name
            self.kind = kind
        }
    }

    /// One row, its values read by position or by column name.
    public struct Row {
        let table: Table
        let index: Int

        public subscript(column: Int) -> String? { table.values[index][column] }

        public subscript(column: String) -> String? {
            table.columns.firstIndex { $0.name == column }.flatMap { self[$0] }
        }
    }

    public let columns: [Column]
    public let values: [[String?]]

    public init(columns: [Column], values: [[String?]]) {
        precondition(values.allSatisfy { $0.count == columns.count }, "every row has a value per column")
        self.columns = columns
        self.values = values
    }

    public var rowCount: Int { values.count }
    public var rows: [Row] { values.indices.map { Row(table: self, index: $0) } }
}
