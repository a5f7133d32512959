import Foundation
import Testing

@testable import ClusterKit

/// Faults a hostile user or an unlucky machine produces, each on a separate `sslmatrix`
/// process with its own workspace; after each, nothing may be left: no process, directory,
/// port lock file or shared memory segment.
@Suite("Robustness: faults leave nothing behind", .tags(.liveServer), .serialized)
struct FaultTests {
    @Test("SIGTERM or SIGINT while pg_ctl start is in flight leaks no server", arguments: [SIGTERM, SIGINT])
    func signalDuringPgCtlStart(_ signal: Int32) async throws {
        // pg_ctl's postmaster waits at the gate until released, so pg_ctl start is in flight
        // for as long as the test needs to see it, however loaded the machine; the watching
        // and the signal happen on a thread of their own (see launchHeldAndSignal).
        let run = try IsolatedRun(startMethod: "pg_ctl", holdStart: true)
        defer { run.remove() }
        let seen = await run.launchHeldAndSignal(["cluster", "up"], signal: signal)
        let pid = try #require(seen.pid, "the run did not start")
        #expect(seen.held, "pg_ctl never started the postmaster; output: \(run.printed)")
        #expect(seen.inFlight, "no pg_ctl start while its postmaster was held; output: \(run.printed)")
        // A run that neither stops pg_ctl's postmaster nor waits for it leaves a server behind.
        let left = await run.settle(pid, sharedMemoryOf: seen.pidFiles)
        #expect(left.isEmpty, "left behind: \(left)")
        FaultTally.record(left.isEmpty && seen.held && seen.inFlight)
    }

    @Test("SIGTERM while a directly spawned postgres is starting leaks no server")
    func signalDuringDirectStart() async throws {
        let run = try IsolatedRun()
        defer { run.remove() }
        let pid = try await run.launch(["cluster", "up"])
        let caught = await IsolatedRun.wait(180) { run.postgresStarting || run.printed.contains("ready") }
        #expect(caught, "no start-up seen; output: \(run.printed)")
        let pidFiles = run.pidFiles
        kill(pid, SIGTERM)
        let left = await run.settle(pid, sharedMemoryOf: pidFiles)
        #expect(left.isEmpty, "left behind: \(left)")
        FaultTally.record(left.isEmpty && caught)
    }

    @Test("SIGTERM/SIGINT at random moments of a starting run leave nothing", arguments: 0..<4)
    func signalAtRandomMoment(_ round: Int) async throws {
        let run = try IsolatedRun()
        defer { run.remove() }
        let pid = try await run.launch(["cluster", "up"])
        try await Task.sleep(nanoseconds: UInt64.random(in: 0...1_200_000_000))
        let pidFiles = run.pidFiles
        kill(pid, round % 2 == 0 ? SIGTERM : SIGINT)
        let left = await run.settle(pid, sharedMemoryOf: pidFiles)
        #expect(left.isEmpty, "left behind: \(left)")
        FaultTally.record(left.isEmpty)
    }

    @Test("SIGINT inherited as ignored still stops a ready run")
    func inheritedIgnoredSIGINT() async throws {
        let run = try IsolatedRun()
        defer { run.remove() }
        let pid = try await run.launch(["cluster", "up"])
        #expect(await IsolatedRun.wait(180) { run.printed.contains("ready") }, "\(run.printed)")
        let pidFiles = run.pidFiles
        #expect(!pidFiles.isEmpty)
        kill(pid, SIGINT)
        let left = await run.settle(pid, sharedMemoryOf: pidFiles)
        #expect(left.isEmpty, "left behind: \(left)")
        FaultTally.record(left.isEmpty)
    }

    @Test("kill -9 of the postmaster: the run's stop frees its System V segment")
    func kill9Postmaster() async throws {
        let run = try IsolatedRun()
        defer { run.remove() }
        let pid = try await run.launch(["cluster", "up"])
        #expect(await IsolatedRun.wait(180) { run.printed.contains("ready") }, "\(run.printed)")
        let pidFiles = run.pidFiles
        let postmaster = try #require(pidFiles.first)
        #expect(Postmaster.sharedMemoryExists(postmaster))
        kill(postmaster.pid, SIGKILL)
        _ = await IsolatedRun.wait(10) { !ProcessIdentity.isRunning(postmaster.pid) }
        kill(pid, SIGTERM)
        let left = await run.settle(pid, sharedMemoryOf: pidFiles)
        #expect(left.isEmpty, "left behind: \(left)")
        FaultTally.record(left.isEmpty)
    }

    @Test("kill -9 of the run during pg_ctl start: the next run reaps it and says so")
    func kill9DuringStartThenReap() async throws {
        // As above: pg_ctl's postmaster is held at the gate, so pg_ctl start is in flight
        // when the run is killed (a plain start is a ~100 ms window a loaded run misses).
        let run = try IsolatedRun(startMethod: "pg_ctl", holdStart: true)
        defer { run.remove() }
        let seen = await run.launchHeldAndSignal(["cluster", "up"], signal: SIGKILL)
        let pid = try #require(seen.pid, "the run did not start")
        #expect(seen.held && seen.inFlight, "\(run.printed)")
        _ = await IsolatedRun.wait(10) { !ProcessIdentity.isRunning(pid) }
        // pg_ctl goes on to start the server in the dead run's directory; wait for it.
        _ = await IsolatedRun.wait(120) { !run.pidFiles.isEmpty && !run.pgCtlStartRunning }
        let pidFiles = run.pidFiles
        let reap = try await run.run(["cluster", "reap"])
        #expect(reap.succeeded)
        #expect(reap.standardOutput.contains("reaped"), "\(reap.combinedOutput)")
        let left = await run.settle(pid, sharedMemoryOf: pidFiles)
        #expect(left.isEmpty, "left behind: \(left)")
        FaultTally.record(left.isEmpty && reap.succeeded)
    }

    @Test("a port squatter: one error with its code, nothing copied or left")
    func portSquatter() async throws {
        let run = try IsolatedRun()
        defer { run.remove() }
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(sock) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(sock, p, len) == 0 && listen(sock, 1) == 0 && getsockname(sock, p, &len) == 0
            }
        }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let r = try await run.run(["cluster", "up", "--port", String(port)])
        #expect(r.exitCode == 2)
        #expect(r.standardError.contains("error[port-in-use]"), "\(r.combinedOutput)")
        let left = run.leftovers()
        #expect(left.isEmpty, "left behind: \(left)")
        FaultTally.record(left.isEmpty && r.exitCode == 2)
    }

    @Test("cluster up --port 70000 is a usage error, no directory made")
    func impossiblePort() async throws {
        let run = try IsolatedRun()
        defer { run.remove() }
        let r = try await run.run(["cluster", "up", "--port", "70000"])
        #expect(r.signal == nil)
        #expect(r.exitCode == 64, "\(r.combinedOutput)")
        #expect(!FileManager.default.fileExists(atPath: run.base))
        FaultTally.record(r.signal == nil && r.exitCode == 64)
    }

    /// PGSSLMATRIX_TMPDIR values that cannot work: one error, exit 2, before any work.
    static var badTempDirectories: [(String, String)] {
        [
            ("a comma", "/tmp/sslm,comma"),
            ("too long for a socket path", "/tmp/" + String(repeating: "d", count: 90)),
            ("a file", "/etc/hostname"),
            ("missing", "/nonexistent/sslm"),
            ("untraversable for the server account", "/root"),
        ]
    }

    @Test("an unusable PGSSLMATRIX_TMPDIR: one error[unusable-temp-directory], exit 2, nothing started")
    func unusableTempDirectories() async throws {
        for (what, dir) in Self.badTempDirectories {
            if what.contains("comma") || what.contains("long") {
                try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
            defer { if dir.hasPrefix("/tmp/") { try? FileManager.default.removeItem(atPath: dir) } }
            if what.contains("untraversable") && geteuid() != 0 { continue }
            let r = try await Command.run(
                PackagePaths.sslmatrix, ["matrix", "--filter", "verify-full"],
                environment: Command.cleanEnvironment(adding: ["PGSSLMATRIX_TMPDIR": dir]), timeout: 300)
            let once = r.standardError.components(separatedBy: "error[").count - 1
            #expect(r.exitCode == 2, "\(what): \(r.combinedOutput)")
            #expect(r.standardError.contains("error[unusable-temp-directory]"), "\(what): \(r.combinedOutput)")
            #expect(once == 1, "\(what): reported \(once) times")
            #expect(!r.combinedOutput.contains("NSCocoaErrorDomain"))
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/pg-ssl-matrix-\(geteuid())"))
            FaultTally.record(r.exitCode == 2 && once == 1)
        }
    }
}
