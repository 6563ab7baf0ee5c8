import Failures
import Foundation
import Records

// scripts/bench's measure of the CSV reader alone: reads FILE in the dialect given (a delimiter, an encoding;
// gzip is found by its first bytes) as `ingest load` does, every record's fields touched, and prints
// `records bytes seconds valueBytes`. Peak memory is measured around it by /usr/bin/time.
// usage: csv-benchmark FILE [DELIMITER [ENCODING]]
let arguments = CommandLine.arguments
guard (2...4).contains(arguments.count) else {
    FileHandle.standardError.write(Data("usage: csv-benchmark FILE [DELIMITER [ENCODING]]\n".utf8))
    exit(64)
}
var dialect = CSVDialect()
if arguments.count > 2 { dialect.delimiter = arguments[2] == "tab" ? UInt8(ascii: "\t") : arguments[2].utf8.first }
if arguments.count > 3 {
    guard let encoding = TextEncoding(name: arguments[3]) else {
        FileHandle.standardError.write(Data("csv-benchmark: unknown encoding \(arguments[3])\n".utf8))
        exit(64)
    }
    dialect.encoding = encoding
}
do {
    let file = try FileInput(path: arguments[1])
    let start = Date()
    let source = try CSVSource(input: file, dialect: dialect)
    var records = 0, valueBytes = 0
    while let record = try source.next() {
        guard record.malformation == nil else { throw DataError(path: file.path, reason: "line \(record.line): \(record.malformation!)") }
        for index in 0..<record.fieldCount { valueBytes &+= record.field(index).count }
        records += 1
    }
    print(records, file.bytesRead, Date().timeIntervalSince(start), valueBytes)
} catch {
    FileHandle.standardError.write(Data("csv-benchmark: \(error)\n".utf8))
    exit(65)
}
