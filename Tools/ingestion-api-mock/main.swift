import Foundation
import IngestionAPIMock

// The mock ingestion API as a server of its own, for scripts/run and the compose service wind-api:
//     ingestion-api-mock [--host H] [--port P] [--fail-first N] [--fail-status S] [--delay-ms MS]
// It prints `listening on HOST:PORT` once it accepts connections.
var options = ["--host": "127.0.0.1", "--port": "8080", "--fail-first": "0", "--fail-status": "503", "--delay-ms": "0"]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard options[name] != nil, let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("usage: ingestion-api-mock [--host H] [--port P] [--fail-first N] [--fail-status S] [--delay-ms MS]\n".utf8))
        exit(64)
    }
    options[name] = value
}
guard let port = Int(options["--port"]!), let failFirst = Int(options["--fail-first"]!), let failStatus = Int(options["--fail-status"]!),
    let delay = Int(options["--delay-ms"]!)
else {
    FileHandle.standardError.write(Data("ingestion-api-mock: --port, --fail-first, --fail-status and --delay-ms take whole numbers\n".utf8))
    exit(64)
}
let host = options["--host"]!
let mock = IngestionAPIMock(behaviour: .init(failFirst: failFirst, failStatus: failStatus, delay: .milliseconds(delay)))
try await mock.run(host: host, port: port) { bound in
    // Written straight to the descriptor, so a script reading the line sees it at once.
    FileHandle.standardOutput.write(Data("listening on \(host):\(bound)\n".utf8))
}
