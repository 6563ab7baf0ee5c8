import Failures
import Foundation
import Ingestion
import Records

// scripts/bench's measure of the JSON record source alone: reads a file of orders as `ingest wind` does
// (the wind_orders input's path and keys) and prints `records bytes seconds`, every record's fields touched.
// Peak memory is measured around it by /usr/bin/time.
guard CommandLine.arguments.count == 2,
    let wind = try? DatasetCatalog(folder: "datasets").dataset("wind"),
    let input = wind.inputs.first(where: { $0.name == "wind_orders" }),
    case .jsonRecords(let path, let numbers) = input.format
else {
    FileHandle.standardError.write(Data("usage: json-benchmark ORDERS.json\n".utf8))
    exit(64)
}
do {
    let file = try FileInput(path: CommandLine.arguments[1])
    let start = Date()
    let source = try JSONRecordSource(input: file, path: path, columns: input.columns.map(\.name), numbers: numbers)
    var records = 0, valueBytes = 0
    while let record = try source.next() {
        guard record.malformation == nil else { throw DataError(path: file.path, reason: "record \(records): \(record.malformation!)") }
        for index in 0..<record.fieldCount { valueBytes &+= record.field(index).count }
        records += 1
    }
    print(records, file.bytesRead, Date().timeIntervalSince(start), valueBytes)
} catch {
    FileHandle.standardError.write(Data("json-benchmark: \(error)\n".utf8))
    exit(65)
}
