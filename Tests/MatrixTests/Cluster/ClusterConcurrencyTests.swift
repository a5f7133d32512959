import Foundation
import Testing

@testable import ClusterKit

@Suite("Cluster: several at once, and nothing left behind", .tags(.liveServer))
struct ClusterConcurrencyTests {
    @Test("four clusters at once get four ports and each answers as itself")
    func fourAtOnce() async throws {
        let results = try await withThrowingTaskGroup(of: (String, Int, String?).self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await Cluster.with { cluster in
                        try await cluster.start()
                        let name = try await cluster.queryValue("SHOW cluster_name")
                        return (cluster.name, cluster.port, name)
                    }
                }
            }
            var all: [(String, Int, String?)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 4)
        #expect(Set(results.map(\.1)).count == 4)
        for (name, _, reported) in results { #expect(reported == name) }
    }

    @Test("after kill -9 of a run, the next run stops its server and removes its directory")
    func reapAfterKill9() async throws {
        // A temp dir of its own: any other run starting in the shared one (the suite starts
        // many) reaps the orphan first, before this test can see that it outlived its run.
        let tmp = "/dev/shm/sslm-reap-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: false)
        chmod(tmp, 0o755)
        defer {
            ProcessTable.stopProcesses(under: tmp)
            try? FileManager.default.removeItem(atPath: tmp)
        }
        let ws = try Workspace.shared()
        let (pid, dataDir) = try await startSeparateRun(ws, tmpdir: tmp)
        let postmaster = try #require(Postmaster.readPidFile(dataDirectory: dataDir)).pid
        #expect(ProcessIdentity.isRunning(postmaster))

        kill(pid, SIGKILL)
        for _ in 0..<100 where ProcessIdentity.isRunning(pid) { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(
            ProcessIdentity.isRunning(postmaster),
            "the server outlives a kill -9 of its run; that is what reaping is for")

        let reaped = Workspace.reapOrphans(in: "\(tmp)/pg-ssl-matrix-\(geteuid())")
        let runDir = ((dataDir as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        #expect(reaped.contains(runDir))
        #expect(!ProcessIdentity.isRunning(postmaster))
        #expect(!FileManager.default.fileExists(atPath: runDir))
    }

    @Test("SIGTERM to a run stops its server and removes its directory")
    func sigtermCleansUp() async throws {
        let (pid, dataDir) = try await startSeparateRun(try Workspace.shared())
        let postmaster = try #require(Postmaster.readPidFile(dataDirectory: dataDir)).pid
        kill(pid, SIGTERM)
        for _ in 0..<500 where ProcessIdentity.isRunning(pid) { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(!ProcessIdentity.isRunning(pid))
        #expect(!ProcessIdentity.isRunning(postmaster))
        #expect(!FileManager.default.fileExists(atPath: dataDir))
    }

    /// Starts `sslmatrix cluster up` as its own process (one the test can kill) and returns
    /// its pid and the data directory it printed once ready; its workspace is under `tmpdir`,
    /// by default the shared one's.
    func startSeparateRun(_ ws: Workspace, tmpdir: String? = nil) async throws -> (Int32, String) {
        let out = "\(ws.clientDirectory)/separate-run-\(UUID()).out"
        let launch = try await Command.check(
            "/bin/sh", ["-c", "\(PackagePaths.sslmatrix) cluster up > \(out) 2>&1 & echo $!"],
            environment: Command.cleanEnvironment(adding: [
                "PGSSLMATRIX_TMPDIR": tmpdir ?? (ws.base as NSString).deletingLastPathComponent
            ]))
        let pid = try #require(Int32(launch.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
        var text = ""
        for _ in 0..<600 where !text.contains("ready") {
            try await Task.sleep(nanoseconds: 20_000_000)
            text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }
        #expect(text.contains("ready"), "sslmatrix cluster up said: \(text)")
        let dataDir = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("data directory: ") }
                .map { String($0.dropFirst("data directory: ".count)) })
        return (pid, dataDir)
    }
}
