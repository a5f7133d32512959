import ClusterKit
import Foundation
import Testing

@Suite("Probes in parallel against one cluster", .tags(.liveServer))
struct ProbeConcurrencyTests {
    @Test("32 probes at once: every outcome correct and paired with its own backend's log lines")
    func thirtyTwoAtOnce() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, method: "trust")])
            try await cluster.start()
            try await cluster.query((0..<16).map { "create role u\($0) login;" }.joined())
            let probe = Probe(cluster: cluster)
            func parameters(_ i: Int) -> ConnectionParameters {
                ConnectionParameters(
                    host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port,
                    user: i < 16 ? "u\(i)" : "x\(i)", sslmode: "verify-full", sslrootcert: .path(tls.rootCert),
                    applicationName: "probe-\(i)")
            }
            let clock = ContinuousClock()
            let started = clock.now
            let outcomes = await withTaskGroup(of: (Int, Outcome).self) { group in
                for i in 0..<32 { group.addTask { (i, await probe.connect(parameters(i))) } }
                var all: [Int: Outcome] = [:]
                for await (i, outcome) in group { all[i] = outcome }
                return all
            }
            let elapsed = clock.now - started
            print("32 probes in flight took \(elapsed)")
            #expect(outcomes.count == 32)
            var ports = Set<Int>()
            for i in 0..<32 {
                let outcome = try #require(outcomes[i])
                let socket = try #require(outcome.sockets.first, "\(outcome)")
                #expect(outcome.sockets.count == 1)
                #expect(socket.logComplete, "\(outcome)")
                ports.insert(socket.localPort)
                #expect(
                    socket.serverLog.first?.message == "connection received: host=127.0.0.1 port=\(socket.localPort)")
                if i < 16 {
                    let session = try #require(outcome.session, "\(outcome)")
                    #expect(session.currentUser == "u\(i)")
                    #expect(session.server.clientPort == socket.localPort)
                    #expect(session.server.applicationName == "probe-\(i)")
                    #expect(
                        socket.serverLog.contains {
                            $0.message.hasPrefix(
                                "connection authorized: user=u\(i) database=postgres application_name=probe-\(i) SSL enabled"
                            )
                        },
                        "\(outcome)")
                } else {
                    // postinit.c (InitializeSessionUserId): "role \"%s\" does not exist", after
                    // AuthenticationOk, so libpq's trace carries its SQLSTATE 28000
                    // (ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION).
                    let attempt = try #require(outcome.rejection?.attempts.first, "\(outcome)")
                    #expect(attempt.text == "role \"x\(i)\" does not exist")
                    #expect(attempt.severity == "FATAL")
                    #expect(attempt.sqlstate == "28000")
                    #expect(
                        socket.serverLog.filter { $0.severity == "FATAL" }.map(\.message) == [
                            "role \"x\(i)\" does not exist"
                        ],
                        "\(outcome)")
                }
            }
            #expect(ports.count == 32)
        }
    }
}
