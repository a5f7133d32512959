import Foundation

/// One run of a driver probe from probes/drivers.json as the harness would start it: request
/// lines in, hello + one response per request out. The whole run is bounded (the probe is
/// killed at the deadline), so a hanging probe fails its test instead of the suite.
struct DriverProbeRun {
    struct Entry: Decodable {
        let name: String
        let command: [String]
        let mappingCommand: [String]?
        let installed: String
        let setup: String
    }

    static var builds: String {
        ProcessInfo.processInfo.environment["PGSSLMATRIX_BUILDS"] ?? "/opt/pg-ssl-matrix"
    }

    static func expand(_ s: String) -> String {
        s.replacingOccurrences(of: "${BUILDS}", with: builds).replacingOccurrences(
            of: "${REPO}", with: PackagePaths.root)
    }

    static func registry() -> [Entry] {
        let path = "\(PackagePaths.root)/probes/drivers.json"
        guard let data = FileManager.default.contents(atPath: path),
            let entries = try? JSONDecoder().decode([Entry].self, from: data)
        else { return [] }
        return entries
    }

    static func entry(_ name: String) -> Entry? { registry().first { $0.name == name } }

    static func isInstalled(_ name: String) -> Bool {
        guard let entry = entry(name) else { return false }
        return FileManager.default.fileExists(atPath: expand(entry.installed))
    }

    /// Runs `command` with `lines` on stdin; returns stdout's lines (each parsed as JSON).
    static func run(_ command: [String], lines: [String], deadline: Double = 120) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command.map(expand)
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        environment["HOME"] = NSTemporaryDirectory()
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try input.fileHandleForWriting.close()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: watchdog)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    static func requestLine(id: String, _ parameters: [(String, String)], home: String, timeout: Double = 10) -> String
    {
        let object: [String: Any] = [
            "id": id, "parameters": parameters.map { [$0.0, $0.1] }, "environment": ["HOME": home],
            "timeoutSeconds": timeout,
        ]
        let data = try! JSONSerialization.data(withJSONObject: object)
        return String(decoding: data, as: UTF8.self)
    }
}
