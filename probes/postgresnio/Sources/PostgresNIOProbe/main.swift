// The PostgresNIO driver probe (docs/client-worker-protocol.md protocol v1 and the driver-probe
// protocol): one resident process answering one JSON request line per connection attempt,
// translating libpq keywords through `Mapping`. `--mapping` prints the table as JSON.
// Each request runs as a Task bounded by the request's timeout (+3 s); an error is answered as
// rejected. A Swift runtime trap cannot be caught in-process: the parent sees the probe die and
// starts a new one (the protocol's restart rule).
import Foundation
import PostgresNIO

let postgresNIOVersion = "1.33.2"

func emit(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

if CommandLine.arguments.dropFirst().first == "--mapping" {
    emit(Mapping.tableJSON)
    exit(0)
}

#if swift(>=6.0)
let swiftVersion = "6"
#else
let swiftVersion = "5"
#endif

emit([
    "protocolVersion": 1, "client": "postgresnio", "libraries": NSNull(),
    "driver": [
        "name": "postgresnio", "version": postgresNIOVersion, "runtime": "Swift \(compilerVersion())",
        "tls": "NIOSSL (BoringSSL, bundled)", "mapping": Mapping.helloMapping,
    ],
])

func compilerVersion() -> String {
    #if compiler(>=6.3)
    return "6.3"
    #elseif compiler(>=6.2)
    return "6.2"
    #elseif compiler(>=6.1)
    return "6.1"
    #else
    return swiftVersion
    #endif
}

final class Box: @unchecked Sendable {
    var response: [String: Any] = [:]
}

while let line = readLine(strippingNewline: true) {
    if line.isEmpty { continue }
    guard let data = line.data(using: .utf8),
        let request = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let rawParameters = request["parameters"] as? [[String]]
    else {
        emit(["error": ["code": "bad-request", "message": "the request line is not a protocol v1 request"]])
        continue
    }
    let id = request["id"] as? String ?? "\(request["id"] ?? "")"
    let timeout = (request["timeoutSeconds"] as? Double) ?? 10
    if let home = (request["environment"] as? [String: String])?["HOME"] { setenv("HOME", home, 1) }
    let parameters = rawParameters.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
    let translation = Translation(parameters)
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    let task = Task {
        var report: [String: Any] = [
            "timedOut": false, "serverErrors": [Any](), "usedPassword": false, "localPorts": [Int](),
        ]
        var driver: [String: Any] = ["errorClass": NSNull(), "sqlstate": NSNull()]
        await Attempt.run(translation, timeout: timeout, report: &report, driver: &driver)
        box.response = ["id": id, "report": report, "driver": driver]
        done.signal()
    }
    if done.wait(timeout: .now() + timeout + 3) == .timedOut {
        task.cancel()
        emit([
            "id": id,
            "report": [
                "status": "rejected", "errorMessage": "postgresnio-probe: no answer from PostgresNIO within \(timeout) s (+3 s)",
                "timedOut": true, "localPorts": [Int](), "serverErrors": [Any](), "usedPassword": false,
            ],
            "driver": ["errorClass": "timeout", "sqlstate": NSNull(), "passed": translation.passed,
                       "unsupported": translation.unsupported, "notes": translation.notes],
        ])
        continue
    }
    emit(box.response)
}
exit(0)
