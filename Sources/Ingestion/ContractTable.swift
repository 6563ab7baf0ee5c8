import Crypto
import Failures
import Foundation
import Postgres
import Schema

/// The table a contract declares, as DDL: created whole, or the changes that bring a deployed table to it.
/// `ingest plan` prints `plan`, `ingest apply` runs it; a load first asks `differences` whether the table is
/// still what the contract says.
public struct ContractTable {
    public let contract: Contract
    let sql: SQLFolder

    public init(_ contract: Contract, sql: SQLFolder) {
        self.contract = contract
        self.sql = sql
    }

    /// A column of the table: the contract's fields, and those a load fills itself.
    struct DesiredColumn: Equatable {
        let name: String
        let type: String
        let notNull: Bool
    }

    /// A primary key, unique or foreign key constraint, compared by what it constrains.
    struct DesiredConstraint: Equatable {
        let name: String
        let kind: Character
        let columns: [String]
        let references: (table: TableName, columns: [String])?

        static func == (a: Self, b: Self) -> Bool {
            a.name == b.name && a.kind == b.kind && a.columns == b.columns
                && a.references?.table == b.references?.table && a.references?.columns == b.references?.columns
        }

        var definition: String {
            let list = columns.map { Identifier.quoted($0) }.joined(separator: ", ")
            switch kind {
            case "p": return "PRIMARY KEY (\(list))"
            case "u": return "UNIQUE (\(list))"
            default:
                let target = references.map { "\(Identifier.quoted($0.table.schema, $0.table.name)) (\($0.columns.map { Identifier.quoted($0) }.joined(separator: ", ")))" } ?? ""
                return "FOREIGN KEY (\(list)) REFERENCES \(target)"
            }
        }
    }

    /// The column each row's source line goes into, and the validity range of a merge with history.
    static let sourceLine = "source_line", sourcePosition = "source_position", validFrom = "valid_from", validTo = "valid_to"

    var history: Bool {
        if case .merge(_, true) = contract.mode { return true }
        return false
    }

    var columns: [DesiredColumn] {
        var columns: [DesiredColumn] = []
        if case .partition(let key, let type) = contract.mode { columns.append(DesiredColumn(name: key, type: type.columnType, notNull: true)) }
        columns += contract.fields.map { DesiredColumn(name: $0.name, type: $0.kind.columnType, notNull: $0.required) }
        columns += contract.input.trailingColumns.map { DesiredColumn(name: $0, type: "bigint", notNull: true) }
        if history {
            columns.append(DesiredColumn(name: Self.validFrom, type: "timestamp with time zone", notNull: true))
            columns.append(DesiredColumn(name: Self.validTo, type: "timestamp with time zone", notNull: false))
        }
        return columns
    }

    /// The key of a row in the table: the primary key, after the partition's key, with each version's start
    /// in a table with history.
    var tableKey: [String] {
        guard !contract.primaryKey.isEmpty else { return [] }
        var key = contract.primaryKey
        if case .partition(let column, _) = contract.mode { key.insert(column, at: 0) }
        if history { key.append(Self.validFrom) }
        return key
    }

    func constraintName(_ columns: [String], _ suffix: String) -> String {
        let name = ([contract.table.name] + columns + [suffix]).joined(separator: "_")
        return name.utf8.count <= 63 ? name : String(decoding: name.utf8.prefix(54), as: UTF8.self) + "_" + String(SHA256.hash(data: Data(name.utf8)).map { String(format: "%02x", $0) }.joined().prefix(8))
    }

    var constraints: [DesiredConstraint] {
        var constraints: [DesiredConstraint] = []
        if !tableKey.isEmpty { constraints.append(DesiredConstraint(name: "\(contract.table.name)_pkey", kind: "p", columns: tableKey, references: nil)) }
        // The unique fields: the input's keys after the primary key, one field each.
        for key in contract.input.uniqueKeys where key != contract.primaryKey {
            // Unique among the rows of one version, of one partition.
            var columns = history ? key + [Self.validFrom] : key
            if case .partition(let partitionKey, _) = contract.mode { columns.insert(partitionKey, at: 0) }
            constraints.append(DesiredConstraint(name: constraintName(key, "key"), kind: "u", columns: columns, references: nil))
        }
        for key in contract.foreignKeys {
            constraints.append(DesiredConstraint(name: constraintName(key.fields, "fkey"), kind: "f", columns: key.fields, references: (key.table, key.referencedFields)))
        }
        return constraints
    }

    var qualified: String { Identifier.quoted(contract.table.schema, contract.table.name) }

    /// With history, one current version per key.
    var currentIndex: (name: String, statement: String)? {
        guard history else { return nil }
        let name = constraintName(["current"], "idx")
        return (name, "CREATE UNIQUE INDEX \(Identifier.quoted(name)) ON \(qualified) (\(contract.primaryKey.map { Identifier.quoted($0) }.joined(separator: ", "))) WHERE \(Self.validTo) IS NULL")
    }

    /// The statements that create the table from nothing; their text is what `checksum` hashes.
    public var createStatements: [String] {
        var lines = columns.map { "    \(Identifier.quoted($0.name)) \($0.type)\($0.notNull ? " NOT NULL" : "")" }
        lines += constraints.map { "    CONSTRAINT \(Identifier.quoted($0.name)) \($0.definition)" }
        var statements = [
            "CREATE SCHEMA IF NOT EXISTS \(Identifier.quoted(contract.table.schema))",
            "CREATE TABLE \(qualified) (\n\(lines.joined(separator: ",\n"))\n)",
        ]
        if let currentIndex { statements.append(currentIndex.statement) }
        return statements
    }

    /// The sha256 of the table's definition: a contract edited in a way that changes its table no longer matches
    /// the one applied; a new description or reject limit changes nothing here.
    public var checksum: String {
        SHA256.hash(data: Data(createStatements.joined(separator: ";\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What `apply` runs: the statements that bring the database to the contract (none when it is there), and
    /// whether any of them loses data (a dropped column, a narrowed type) and needs `--allow-data-loss`.
    public struct Plan {
        public let statements: [String]
        public let losesData: Bool
        /// Whether the record in ingest.contracts is missing or differs (a plan with no statements may still
        /// need an apply, to record the contract).
        public let recordOutdated: Bool
        public var isEmpty: Bool { statements.isEmpty && !recordOutdated }
    }

    /// The plan from what the database has now.
    public func plan(_ connection: Connection) throws -> Plan {
        let record = try recordedChecksum(connection)
        guard let deployed = try deployedColumns(connection) else {
            return Plan(statements: createStatements + comments, losesData: false, recordOutdated: true)
        }
        var statements: [String] = [], losesData = false
        let desired = columns
        let deployedConstraints = try self.deployedConstraints(connection)
        // Constraints that change go first (they may hold the columns that change), and come back last.
        let wanted = constraints
        for constraint in deployedConstraints where !wanted.contains(constraint) {
            statements.append("ALTER TABLE \(qualified) DROP CONSTRAINT \(Identifier.quoted(constraint.name))")
        }
        for column in deployed where !desired.contains(where: { $0.name == column.name }) {
            statements.append("ALTER TABLE \(qualified) DROP COLUMN \(Identifier.quoted(column.name))")
            losesData = true
        }
        for column in desired {
            guard let current = deployed.first(where: { $0.name == column.name }) else {
                statements.append("ALTER TABLE \(qualified) ADD COLUMN \(Identifier.quoted(column.name)) \(column.type)\(column.notNull ? " NOT NULL" : "")")
                continue
            }
            if current.type != column.type {
                statements.append("ALTER TABLE \(qualified) ALTER COLUMN \(Identifier.quoted(column.name)) TYPE \(column.type) USING \(Identifier.quoted(column.name))::\(column.type)")
                losesData = losesData || !Self.widens(from: current.type, to: column.type)
            }
            if current.notNull != column.notNull {
                statements.append("ALTER TABLE \(qualified) ALTER COLUMN \(Identifier.quoted(column.name)) \(column.notNull ? "SET" : "DROP") NOT NULL")
            }
        }
        for constraint in wanted where !deployedConstraints.contains(constraint) {
            statements.append("ALTER TABLE \(qualified) ADD CONSTRAINT \(Identifier.quoted(constraint.name)) \(constraint.definition)")
        }
        let indexExists = try connection.query(
            "SELECT to_regclass(\(Identifier.quoted(contract.table.schema, currentIndex?.name ?? constraintName(["current"], "idx")))) IS NOT NULL"
        ).rows[0].decode(Bool.self, 0)
        if let currentIndex, !indexExists { statements.append(currentIndex.statement) }
        if currentIndex == nil, indexExists {
            statements.append("DROP INDEX \(Identifier.quoted(contract.table.schema, constraintName(["current"], "idx")))")
        }
        return Plan(statements: statements, losesData: losesData, recordOutdated: record != checksum || !statements.isEmpty)
    }

    /// The comments the table and its columns get: the contract's descriptions, for whoever reads the table in psql.
    var comments: [String] {
        var statements: [String] = []
        let table = contract.description ?? "dataset \(contract.name)"
        statements.append("COMMENT ON TABLE \(qualified) IS \(Self.literal("\(table) (contract \(contract.name), mode \(contract.mode.name))"))")
        for field in contract.fields {
            guard let description = field.description else { continue }
            statements.append("COMMENT ON COLUMN \(qualified).\(Identifier.quoted(field.name)) IS \(Self.literal(description))")
        }
        return statements
    }

    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// A change of type that keeps every value (a whole number into a wider or decimal type).
    static func widens(from old: String, to new: String) -> Bool {
        [("integer", "bigint"), ("smallint", "bigint"), ("bigint", "numeric"), ("date", "timestamp with time zone")]
            .contains { $0 == (old, new) } || new == "text"
    }

    /// Why the deployed table is not the contract's (the first difference), nil when it is.
    public func difference(_ connection: Connection) throws -> String? {
        guard let record = try recordedChecksum(connection) else {
            return "dataset \(contract.name) is not applied to this database: run `ingest apply --contract \(contract.file)` as the administrator"
        }
        guard record == checksum else {
            return "\(contract.file) changed since it was applied (the table's definition has sha256 \(checksum.prefix(12))…, the applied one \(record.prefix(12))…): `ingest plan --contract \(contract.file)` shows the change, `ingest apply` makes it"
        }
        let plan = try self.plan(connection)
        if let first = plan.statements.first {
            return "\(contract.table) differs from its contract \(contract.file) (someone changed it by hand?): the first change to bring it back is `\(first)`; `ingest plan` shows them all"
        }
        return nil
    }

    func recordedChecksum(_ connection: Connection) throws -> String? {
        guard try connection.query("SELECT to_regclass('ingest.contracts') IS NOT NULL").rows[0].decode(Bool.self, 0) else { return nil }
        let rows = try connection.query(
            "SELECT checksum FROM ingest.contracts WHERE dataset = \(contract.name)").rows
        guard let row = rows.first else { return nil }
        return try row.decode(String.self, 0)
    }

    func deployedColumns(_ connection: Connection) throws -> [DesiredColumn]? {
        let rows = try connection.query(try sql.query("ingest/contract_columns.sql", [contract.table.schema, contract.table.name])).rows
        guard !rows.isEmpty else {
            let exists = try connection.query("SELECT to_regclass(\(qualified)) IS NOT NULL").rows[0].decode(Bool.self, 0)
            return exists ? [] : nil
        }
        return try rows.map { DesiredColumn(name: try $0.decode(String.self, 0), type: try $0.decode(String.self, 1), notNull: try $0.decode(Bool.self, 2)) }
    }

    func deployedConstraints(_ connection: Connection) throws -> [DesiredConstraint] {
        try connection.query(try sql.query("ingest/contract_constraints.sql", [contract.table.schema, contract.table.name])).rows.map { row in
            let kind = Character(try row.decode(String.self, 1))
            let references: (TableName, [String])? = kind == "f"
                ? (TableName(schema: try row.decode(String.self, 3), name: try row.decode(String.self, 4)), Self.array(try row.decode(String.self, 5)))
                : nil
            return DesiredConstraint(name: try row.decode(String.self, 0), kind: kind, columns: Self.array(try row.decode(String.self, 2)), references: references)
        }
    }

    /// The elements of a text array as JSON (`["a","b"]`).
    static func array(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }
}

extension ContractTable {
    /// Runs the plan and records the contract, in one transaction under the migrations' lock; returns the
    /// statements run. A plan that loses data is refused unless allowed.
    public func apply(_ connection: Connection, allowDataLoss: Bool) throws -> [String] {
        try connection.withAdvisoryLock("pgpipe:migrations") {
            try connection.withTransaction {
                let plan = try self.plan(connection)
                if plan.losesData && !allowDataLoss {
                    throw ConfigurationError("\(contract.file): applying it loses data (\(plan.statements.joined(separator: "; "))); give --allow-data-loss if that is meant")
                }
                guard !plan.isEmpty else { return [] }
                for statement in plan.statements { try connection.execute(script: statement) }
                // Reports and loads of the schema take turns on its read gate, as the built-in schemas' do.
                try connection.execute(script: "CREATE TABLE IF NOT EXISTS \(Identifier.quoted("ingest", "read_gate_\(contract.table.schema)")) ()")
                try connection.query(try sql.query(
                    "ingest/record_contract.sql",
                    [contract.name, contract.table.schema, contract.table.name, contract.file, checksum, createStatements.joined(separator: ";\n")]))
                try connection.execute(script: "CALL ingest.apply_privileges()")
                return plan.statements
            }
        }
    }
}
