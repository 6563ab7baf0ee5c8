/// One declared column of an input: its name, what it must hold, and how a missing value is spelled.
public struct Column: Sendable {
    public let name: String
    public let type: FieldType
    /// Spellings that mean "no value" (`?` in the census files): the field is NULL, whatever its type, or
    /// rejected as missing when the column is not nullable.
    public let missing: [String]
    /// Whether a missing value (a spelling of `missing`, a database source's NULL) is accepted as NULL.
    public let nullable: Bool
    /// The longest value accepted, in bytes: a value that goes into a unique index must fit in a btree row
    /// (about 2.7 kB), or the load would fail on it instead of rejecting it.
    public let maxBytes: Int?
    /// Further checks of its values (a contract's `enum`, `pattern`, limits), nil when there are none.
    public let constraints: ValueConstraints?

    /// The bound for text that a unique index holds (`maxBytes`, category labels), with room for the row's
    /// other key columns.
    public static let indexedTextLimit = 2000

    public init(
        _ name: String, _ type: FieldType, missing: String? = nil, nullable: Bool = false, maxBytes: Int? = nil,
        constraints: ValueConstraints? = nil
    ) {
        self.init(name, type, missingValues: missing.map { [$0] } ?? [], nullable: nullable || missing != nil, maxBytes: maxBytes, constraints: constraints)
    }

    /// A column whose `missingValues` are NULL when it is `nullable`, else rejected as missing.
    public init(
        _ name: String, _ type: FieldType, missingValues: [String], nullable: Bool, maxBytes: Int? = nil, constraints: ValueConstraints? = nil
    ) {
        self.name = name
        self.type = type
        self.missing = missingValues
        self.nullable = nullable
        self.maxBytes = maxBytes
        self.constraints = constraints?.isEmpty == false ? constraints : nil
    }
}

/// A lookup from a natural key (a city name) to the id of the row it names. The loader reads it from the
/// database in the load's transaction, after the inputs that fill it, and hands it to the validation context;
/// a key naming several rows is ambiguous, never guessed.
public struct Reference: Sendable, Hashable {
    /// What the key names, for reject reasons ("place").
    public let noun: String
    /// The SQL that reads it, returning (key, id, a description of the row for ambiguity messages).
    public let query: String

    public init(noun: String, query: String) {
        self.noun = noun
        self.query = query
    }
}
