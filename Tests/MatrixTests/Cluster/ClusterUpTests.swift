import Foundation
import Testing

@testable import ClusterKit

/// `sslmatrix cluster up` as people use pg_virtualenv: its piped output arrives line by line
/// while it runs, the printed verify-full connection string works with libpq (the probe) and
/// with psql, and SIGINT/SIGTERM leave nothing behind.
@Suite("cluster up: TLS by default, piped lines, nothing left", .serialized, .tags(.liveServer, .cli))
struct ClusterUpTests {
    static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) && (try? Installation.discover()) != nil
    }

    /// `cluster up` with stdout on a pipe, and a reader that hands out whole lines as they come.
    final class Running: @unchecked Sendable {
        let process = Process()
        let pipe = Pipe()
        private let lock = NSLock()
        private var buffer = Data()
        private var lines: [String] = []

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: PackagePaths.sslmatrix)
            process.arguments = ["cluster", "up"] + arguments
            process.environment = Command.cleanEnvironment()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                self?.append(handle.availableData)
            }
            try process.run()
        }

        private func append(_ data: Data) {
            lock.lock()
            defer { lock.unlock() }
            buffer.append(data)
            while let newline = buffer.firstIndex(of: 0x0A) {
                lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }

        /// Lines read so far; waits (up to ~30 s) until one satisfies `done`, while the process runs.
        func lines(until done: (String) -> Bool) async throws -> [String] {
            for _ in 0..<1500 {
                let now = lock.withLock { lines }
                if now.contains(where: done) { return now }
                if !process.isRunning { break }
                try await Task.sleep(nanoseconds: 20_000_000)
            }
            return lock.withLock { lines }
        }

        /// Sends `signal` and waits for the process to end.
        func stop(_ signal: Int32) async throws {
            kill(process.processIdentifier, signal)
            for _ in 0..<1000 where process.isRunning { try await Task.sleep(nanoseconds: 10_000_000) }
            pipe.fileHandleForReading.readabilityHandler = nil
        }
    }

    /// Nothing of the cluster is left: no postmaster, no data directory, no client files.
    func expectNothingLeft(dataDirectory: String, postmaster: Int32?, files: [String]) {
        if let postmaster { #expect(!ProcessIdentity.isRunning(postmaster), "postmaster \(postmaster) still runs") }
        #expect(!FileManager.default.fileExists(atPath: dataDirectory))
        for file in files { #expect(!FileManager.default.fileExists(atPath: file), "\(file) is left") }
    }

    @Test(
        "--format json: one line once ready; verify-full with the client certificate via the probe and psql; SIGTERM cleans up",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func jsonLineProbeAndPsql() async throws {
        let run = try Running(["--format", "json"])
        let lines = try await run.lines { $0.hasPrefix("{") }
        let line = try #require(lines.first { $0.hasPrefix("{") }, "cluster up printed: \(lines)")
        let info = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "\(line)")
        let port = try #require(info["port"].flatMap(Int.init))
        let root = try #require(info["rootCertificate"])
        let cert = try #require(info["clientCertificate"])
        let key = try #require(info["clientKey"])
        let dataDirectory = try #require(info["dataDirectory"])
        #expect(info["host"] == "localhost" && info["hostaddr"] == "127.0.0.1" && info["sslmode"] == "verify-full")
        #expect(run.process.isRunning, "the line arrived while cluster up still runs (no buffering until exit)")
        for file in [root, cert, key] { #expect(access(file, R_OK) == 0, "\(file) is not readable") }

        let ws = try Workspace.shared()
        let probe = Probe(clientDirectory: ws.clientDirectory, expectedCluster: info["name"], log: nil)
        let outcome = await probe.connect(
            ConnectionParameters(
                host: "localhost", hostaddr: "127.0.0.1", port: port, user: info["user"] ?? "?", sslmode: "verify-full",
                sslrootcert: .path(root), sslcert: .path(cert), sslkey: .path(key)))
        let session = try #require(outcome.session, "\(outcome)")
        #expect(session.client.encrypted)
        #expect(session.sessionUser == info["user"])
        #expect(session.server.clientDN?.contains("CN=\(info["user"] ?? "?")") == true, "\(session.server)")
        // Without the client certificate the server refuses: the certificate is the login.
        let without = await probe.connect(
            ConnectionParameters(
                host: "localhost", hostaddr: "127.0.0.1", port: port, user: info["user"] ?? "?", sslmode: "verify-full",
                sslrootcert: .path(root)))
        #expect(!without.isAccepted)

        let psql = try await Command.run(
            info["psql"] ?? "/usr/lib/postgresql/15/bin/psql",
            [
                try #require(info["connectionString"]), "-Atc",
                "select ssl from pg_stat_ssl where pid = pg_backend_pid()",
            ],
            environment: Command.cleanEnvironment(adding: ["HOME": ws.clientDirectory]))
        #expect(psql.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "t", "\(psql.combinedOutput)")

        let postmaster = Postmaster.readPidFile(dataDirectory: dataDirectory)?.pid
        try await run.stop(SIGTERM)
        #expect(!run.process.isRunning)
        expectNothingLeft(dataDirectory: dataDirectory, postmaster: postmaster, files: [root, cert, key])
    }

    @Test(
        "text: lines arrive as written, the printed psql line connects, SIGINT cleans up",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func textLinesAndSigint() async throws {
        let run = try Running([])
        let lines = try await run.lines { $0 == "ready" }
        #expect(lines.last == "ready", "\(lines)")
        #expect(run.process.isRunning)
        let connect = try #require(lines.first { $0.hasPrefix("connect: ") }, "\(lines)")
        // "connect: /path/psql 'conninfo'"
        let afterPrefix = connect.dropFirst("connect: ".count)
        let psql = String(afterPrefix.prefix { $0 != " " })
        let conninfo = String(afterPrefix.drop { $0 != "'" }.dropFirst().dropLast())
        #expect(conninfo.contains("sslmode=verify-full") && conninfo.contains("hostaddr=127.0.0.1"))
        let r = try await Command.run(
            psql, [conninfo, "-Atc", "select ssl, client_dn from pg_stat_ssl where pid = pg_backend_pid()"])
        #expect(r.standardOutput.hasPrefix("t|/CN=tester"), "\(r.combinedOutput)")
        let dataDirectory = try #require(
            lines.first { $0.hasPrefix("data directory: ") }.map { String($0.dropFirst("data directory: ".count)) })
        let files = lines.compactMap { l -> String? in
            for prefix in ["root certificate: ", "client key: "] where l.hasPrefix(prefix) {
                return String(l.dropFirst(prefix.count))
            }
            return nil
        }
        #expect(files.count == 2)
        let postmaster = Postmaster.readPidFile(dataDirectory: dataDirectory)?.pid
        try await run.stop(SIGINT)
        expectNothingLeft(dataDirectory: dataDirectory, postmaster: postmaster, files: files)
    }

    @Test("--no-tls: ssl off, a plain connection string", .enabled(if: canRun), .timeLimit(.minutes(10)))
    func noTLS() async throws {
        let run = try Running(["--no-tls", "--format", "json"])
        let lines = try await run.lines { $0.hasPrefix("{") }
        let line = try #require(lines.first { $0.hasPrefix("{") }, "\(lines)")
        let info = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(info["rootCertificate"] == nil && info["sslmode"] == "disable")
        let r = try await Command.run(
            info["psql"] ?? "/usr/lib/postgresql/15/bin/psql",
            [
                try #require(info["connectionString"]), "-Atc",
                "select ssl from pg_stat_ssl where pid = pg_backend_pid()",
            ])
        #expect(r.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "f", "\(r.combinedOutput)")
        let dataDirectory = try #require(info["dataDirectory"])
        try await run.stop(SIGTERM)
        expectNothingLeft(dataDirectory: dataDirectory, postmaster: nil, files: [])
    }
}
