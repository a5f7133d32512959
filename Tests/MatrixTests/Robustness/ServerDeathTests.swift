import Foundation
import Testing

@testable import ClusterKit
@testable import Scenarios

/// A server killed in the middle of a group: its cases could not run (errors, never
/// disagreements), the death is told once with the server's last log lines, and its shared
/// memory does not outlive it.
@Suite("Robustness: a server that dies is an error of its group", .tags(.liveServer))
struct ServerDeathTests {
    @Test("kill -9 of the postmaster mid-group: every case 'could not run', told once, no segment left")
    func postmasterKilled() async throws {
        let marker = "death-\(UUID().uuidString.prefix(8))"
        let cases = (0..<60).map { "  - {name: c\($0), expect: accepted}" }.joined(separator: "\n")
        let yaml = """
            server:
              settings: {sslmatrix.marker: '\(marker)'}
              hba: ['host all all 127.0.0.1/32 trust']
            client_defaults: {user: postgres, sslmode: disable}
            cases:
            \(cases)
            """
        let file = try ScenarioFile.parse(yaml, file: "\(marker).yaml")
        let installation = try Installation.discover()
        let runner = ScenarioRunner(installation: installation, probeParallelism: 1)
        let task = Task { await runner.run(file.groups) }
        // Probing has begun: the first probe's application_name is in the log.
        let killed = try await Self.killPostmaster { conf, log in
            conf.contains(marker) && log().contains("application_name=sslmatrix-")
        }
        let results = await task.value
        let pidFile = try #require(killed, "the group's server was never seen running")
        #expect(results.count == 60)
        #expect(results.allSatisfy { $0.verdict == .error }, "\(results.map(\.verdict))")
        #expect(!results.contains { $0.verdict == .disagree })
        #expect(results.allSatisfy(ServerDeath.isServerDeath))
        let told = results.filter { $0.differences.first?.contains("last log lines") == true }
        #expect(told.count == 1)
        #expect(!Postmaster.sharedMemoryExists(pidFile))
    }
    @Test("kill -9 of a server a group was switched to: the next group starts a fresh one, no failed switch")
    func switchedServerKilled() async throws {
        let marker = "death-\(UUID().uuidString.prefix(8))"
        func group(_ name: String, cases: Int, roles: String = "[]") -> String {
            """
              - name: \(name)
                server:
                  settings: {sslmatrix.marker: '\(marker)', search_path: '\(name)_path'}
                  hba: ['host all all 127.0.0.1/32 trust']
                  roles: \(roles)
                cases:
            \((0..<cases).map { "      - {name: c\($0), expect: accepted}" }.joined(separator: "\n"))

            """
        }
        // One lane, largest first, then the same configuration and set-up: a (fresh), b
        // (switched by reload, killed while probing), c (its set-up differs: last). The marker
        // (a placeholder setting, which the runner treats as restart-only) is the same for all;
        // search_path, reloadable, tells b's configuration from a's.
        let yaml =
            "client_defaults: {user: postgres, sslmode: disable}\ngroups:\n"
            + group("a", cases: 70) + group("b", cases: 60) + group("c", cases: 5, roles: "[after_death]")
        let file = try ScenarioFile.parse(yaml, file: "\(marker).yaml")
        let installation = try Installation.discover()
        let notes = NoteLog()
        let runner = ScenarioRunner(
            installation: installation, groupParallelism: 1, probeParallelism: 1, note: notes.add)
        let task = Task { await runner.runCounting(file.groups) }
        // b is switched in and probing has begun: a probe connected after the reload.
        let killed = try await Self.killPostmaster { conf, log in
            guard conf.contains(marker), conf.contains("b_path") else { return false }
            let text = log()
            guard let reload = text.range(of: "received SIGHUP", options: .backwards) else { return false }
            return text[reload.upperBound...].contains("application_name=sslmatrix-")
        }
        let (results, statistics) = await task.value
        #expect(killed != nil, "b's server was never seen probing")
        let b = results.filter { $0.group.hasSuffix("b") }
        let c = results.filter { $0.group.hasSuffix("c") }
        #expect(b.count == 60 && b.allSatisfy(ServerDeath.isServerDeath))
        #expect(c.count == 5 && c.allSatisfy { $0.verdict == .agree }, "\(c.map(\.differences))")
        // The dead server was dropped with b's results, not found dead by c's switch.
        #expect(statistics.fallbacks.isEmpty, "\(notes.all)")
        #expect(statistics.freshStarts == 2 && statistics.switches == 1, "\(statistics.summary)")
    }

    /// Waits (up to ~6 s) for a running postmaster among this process's clusters whose
    /// settings file and server log satisfy `when`, and kills it with SIGKILL: finds this test's
    /// server among the ones other tests run in this process. Returns its pid file, or nil.
    /// The log is read only for a cluster whose settings `when` is asking about (`log()`).
    static func killPostmaster(
        when: (_ conf: String, _ log: () -> String) -> Bool
    ) async throws -> Postmaster.PidFile? {
        let workspace = try Workspace.shared()
        for _ in 0..<3000 {
            for dataDirectory in Workspace.dataDirectories(under: workspace.runDirectory) {
                guard
                    let conf = try? String(
                        contentsOfFile: "\(dataDirectory)/\(TemplateStore.includeFile)", encoding: .utf8),
                    when(
                        conf,
                        {
                            (try? String(contentsOfFile: "\(dataDirectory)/../server.log", encoding: .utf8)) ?? ""
                        }),
                    let pidFile = Postmaster.readPidFile(dataDirectory: dataDirectory),
                    Postmaster.isPostmaster(pid: pidFile.pid, of: dataDirectory)
                else { continue }
                kill(pidFile.pid, SIGKILL)
                return pidFile
            }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        return nil
    }
}
