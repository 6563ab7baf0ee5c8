import Postgres
import Schema

/// The guard against a delivery far smaller than the last: a truncated export must not replace good data.
struct ShrinkGuard {
    let connection: Connection
    let sql: SQLFolder

    /// Why a load is refused that keeps fewer rows of an input than the policy allows, next to the last
    /// committed load of the same dataset (and batch), or comes from an empty file; nil when it may go ahead. Each input is compared with
    /// its own previous count, so a large lookup file cannot hide a truncated main file.
    func refusal(dataset: String, batch: String?, run: Int64, policy: LoadPolicy, loaded: [(input: String, rows: Int, emptyFile: Bool)]) throws -> String? {
        guard let percent = policy.minimumPercentOfPrevious else { return nil }
        var previous: [String: Int] = [:], previousRun: Int64 = 0
        for row in try connection.query(try sql.query("ingest/previous_load.sql", [dataset, batch, run])).rows {
            previousRun = try row.decode(Int64.self, 0)
            previous[try row.decode(String.self, 1)] = try row.decode(Int.self, 2)
        }
        for (input, rows, emptyFile) in loaded {
            // An empty file is refused even with nothing to compare it with: a new batch date whose day file
            // has not a byte is an export that failed, not a day without records (a header alone says the
            // export ran and found nothing).
            if emptyFile, previous[input] ?? 0 == 0 {
                return "\(input): the file is empty: an empty delivery is refused\(previousRun > 0 ? ", the previous load is kept" : ""); give --allow-shrink if it is right"
            }
            guard let before = previous[input], before > 0, rows * 100 < before * percent else { continue }
            return "\(input): the load would keep \(rows) rows where run \(previousRun) loaded \(before) (\(rows * 100 / before) %, under the shrink limit of \(percent) %): refused, the previous load is kept; give --allow-shrink if the smaller delivery is right"
        }
        return nil
    }

    /// Why a load is refused whose transforms leave a guarded table with fewer rows than `percent` % of what it
    /// held before (`before`, the last committed load's; `after`, this load's), or nil.
    static func tableRefusal(percent: Int, before: [(table: String, rows: Int)], after: [Int]) -> String? {
        for ((table, was), now) in zip(before, after) where was > 0 && now * 100 < was * percent {
            return "\(table): the load would leave \(now) rows where the last load left \(was) (\(now * 100 / was) %, under the shrink limit of \(percent) %): refused, the previous load is kept; give --allow-shrink if the smaller result is right"
        }
        return nil
    }
}
