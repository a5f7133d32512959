import ClusterKit
import Foundation
import Testing

/// Measures what a probe costs, so the matrix can be planned (and a regression seen).
/// Bounds are loose (10x the figures measured on the 2-core dev machine); the figures are printed.
@Suite("Probe cost", .tags(.liveServer))
struct ProbeFiguresTests {
    @Test("latency of a TLS accept and a reject; throughput with 8 and 32 in flight")
    func figures() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, database: "postgres", method: "trust")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            let probe = Probe(cluster: cluster)
            let accept = ConnectionParameters(
                host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                sslmode: "verify-full", sslrootcert: .path(tls.rootCert))
            var reject = accept
            reject.dbname = "template1"  // no pg_hba.conf entry: rejected after the TLS handshake
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            var accepted: [Double] = [], rejected: [Double] = [], waits: [Double] = [], connects: [Double] = []
            for _ in 0..<20 {
                let clock = ContinuousClock()
                var start = clock.now
                let a = await probe.connect(accept)
                accepted.append((clock.now - start).ms)
                #expect(a.isAccepted, "\(a)")
                connects.append(a.connectMilliseconds)
                start = clock.now
                let r = await probe.connect(reject)
                rejected.append((clock.now - start).ms)
                waits.append(r.logWaitMilliseconds)
                #expect(r.rejection != nil, "\(r)")
            }
            print(
                String(
                    format:
                        "probe median: TLS accept %.1f ms (connect+queries %.1f ms), TLS reject %.1f ms (log wait %.1f ms)",
                    median(accepted), median(connects), median(rejected), median(waits)))
            // The figures are printed, not asserted: speed is judged by `sslmatrix bench` against a
            // baseline in the same run, never by a threshold that a loaded CI machine crosses.
            let unpaired = Probe(
                clientDirectory: cluster.workspace.clientDirectory, expectedCluster: cluster.name, log: nil)
            for (label, probe, inFlight) in [
                ("paired", probe, 8), ("paired", probe, 32), ("without log pairing", unpaired, 32),
            ] {
                let total = 128
                let clock = ContinuousClock()
                let start = clock.now
                let ok = await withTaskGroup(of: Bool.self) { group in
                    var launched = 0, good = 0
                    for _ in 0..<inFlight {
                        launched += 1
                        group.addTask { await probe.connect(accept).isAccepted }
                    }
                    for await result in group {
                        if result { good += 1 }
                        if launched < total {
                            launched += 1
                            group.addTask { await probe.connect(accept).isAccepted }
                        }
                    }
                    return good
                }
                let seconds = (clock.now - start).ms / 1000
                print(
                    String(
                        format: "throughput (%@): %d TLS accepts with %d in flight: %.2f s, %.0f probes/s",
                        label, total, inFlight, seconds, Double(total) / seconds))
                #expect(ok == total)
            }
        }
    }
}

extension Duration {
    var ms: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
