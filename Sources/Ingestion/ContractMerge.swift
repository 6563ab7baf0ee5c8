import Postgres

/// What a merge did to its table.
public struct MergeCounts: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var deleted = 0

    public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0, deleted: Int = 0) {
        (self.inserted, self.updated, self.unchanged, self.deleted) = (inserted, updated, unchanged, deleted)
    }

    public var summary: String { "inserted \(inserted), updated \(updated), unchanged \(unchanged), deleted \(deleted)" }
}

/// A merge by primary key of the rows a load staged into its table, as statements run in the load's
/// transaction in order: changed rows are updated (with history: their current version closed at the load's
/// time), rows the file lacks deleted (closed) when it is a full snapshot, then new keys inserted (with
/// history: every key without a current version, the changed ones included). Rows whose values are those
/// of the table are left alone: no write, no new version.
public struct ContractMerge: Sendable {
    let table: String
    let stage: String
    let key: [String]
    /// The contract's fields besides the key: a row differs when one of them does.
    let values: [String]
    /// The row's line (and position), updated with its values, never compared.
    let trailing: [String]
    let deleteMissing: Bool
    let history: Bool

    init(contract: Contract, deleteMissing: Bool, history: Bool) {
        table = Identifier.quoted(contract.table.schema, contract.table.name)
        stage = Identifier.quoted(Self.stageName(contract))
        key = contract.primaryKey
        values = contract.fields.map(\.name).filter { !contract.primaryKey.contains($0) }
        trailing = contract.input.trailingColumns
        self.deleteMissing = deleteMissing
        self.history = history
    }

    static func stageName(_ contract: Contract) -> String { "\(contract.name)_stage" }

    /// The staging table: the contract's columns (as the table types them) and the source line, no constraints.
    static func createStage(_ contract: Contract) -> String {
        let columns = (contract.fields.map(\.name) + contract.input.trailingColumns).map { Identifier.quoted($0) }.joined(separator: ", ")
        return "CREATE TEMPORARY TABLE \(Identifier.quoted(stageName(contract))) ON COMMIT DROP AS SELECT \(columns) FROM \(Identifier.quoted(contract.table.schema, contract.table.name)) WITH NO DATA"
    }

    private func list(_ names: [String], _ alias: String? = nil) -> String {
        names.map { (alias.map { "\($0)." } ?? "") + Identifier.quoted($0) }.joined(separator: ", ")
    }

    private var sameKey: String { key.map { "t.\(Identifier.quoted($0)) = s.\(Identifier.quoted($0))" }.joined(separator: " AND ") }
    private var current: String { history ? " AND t.\(ContractTable.validTo) IS NULL" : "" }
    private var differs: String {
        values.isEmpty ? "false" : "(\(list(values, "t"))) IS DISTINCT FROM (\(list(values, "s")))"
    }

    /// Runs the merge; the counts of `staged` rows.
    func run(_ connection: Connection, staged: Int) throws -> MergeCounts {
        func count(_ statement: String) throws -> Int {
            try connection.query(SQLQuery(unescaped: "WITH changed AS (\(statement) RETURNING 1) SELECT count(*) FROM changed")).rows[0].decode(Int.self, 0)
        }
        var counts = MergeCounts()
        let columns = values + trailing
        if history {
            counts.updated = try count(
                "UPDATE \(table) AS t SET \(ContractTable.validTo) = now() FROM \(stage) AS s WHERE \(sameKey)\(current) AND \(differs)")
        } else if !values.isEmpty {
            counts.updated = try count(
                "UPDATE \(table) AS t SET (\(list(columns))) = (\(list(columns, "s"))) FROM \(stage) AS s WHERE \(sameKey) AND \(differs)")
        }
        if deleteMissing {
            let missing = "NOT EXISTS (SELECT FROM \(stage) AS s WHERE \(sameKey))"
            counts.deleted = try count(history
                ? "UPDATE \(table) AS t SET \(ContractTable.validTo) = now() WHERE t.\(ContractTable.validTo) IS NULL AND \(missing)"
                : "DELETE FROM \(table) AS t WHERE \(missing)")
        }
        let all = key + columns
        let inserted = try count(
            "INSERT INTO \(table) (\(list(all))\(history ? ", \(ContractTable.validFrom)" : "")) SELECT \(list(all, "s"))\(history ? ", now()" : "") FROM \(stage) AS s WHERE NOT EXISTS (SELECT FROM \(table) AS t WHERE \(sameKey)\(current))")
        // With history, the changed keys' new versions are among the rows inserted.
        counts.inserted = history ? inserted - counts.updated : inserted
        counts.unchanged = staged - counts.inserted - counts.updated
        return counts
    }
}
