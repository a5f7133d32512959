import ClusterKit
import Foundation

/// What a probe through a client worker costs compared with the in-process probe: the same
/// TLS accept (require + trust) against the same cluster, one at a time (latency) and 8 in
/// flight (throughput), in-process vs a worker that loads another libpq build.
struct ClientWorkerBenchmark {
    let installation: Installation
    let client: ClientInstallation
    let probes: Int

    struct Result: Codable {
        var workerLibpq: String
        var probes: Int
        var inProcessMedianMilliseconds: Double
        var workerMedianMilliseconds: Double
        var inProcessPerSecond: Double
        var workerPerSecond: Double
        /// Seconds to start a pool (one worker process: spawn, dlopen, hello).
        var poolStartMilliseconds: Double
    }

    func run(progress: (String) -> Void) async throws -> Result {
        let poolStart = ContinuousClock.now
        let workerClient = try await client.makeClient()
        let poolStartMilliseconds = (ContinuousClock.now - poolStart).milliseconds
        defer { Task { await workerClient.shutdown() } }
        return try await Cluster.with(installation: installation) { cluster in
            try BenchTLS.configure(cluster)
            try await cluster.start()
            try await BenchTLS.createRoles(cluster)
            let parameters = ConnectionParameters(
                host: BenchTLS.host, hostaddr: "127.0.0.1", port: cluster.port, user: "bench_trust", sslmode: "require")
            var inProcess = Probe(cluster: cluster)
            inProcess.client = .inProcess
            var worker = Probe(cluster: cluster)
            worker.client = workerClient
            // Warm both paths (a worker per in-flight slot, the template, libpq's first load).
            _ = await inProcess.connect(parameters)
            _ = await worker.connect(parameters)
            progress("client worker: \(probes) sequential probes each way")
            let inProcessLatency = try await Self.latency(inProcess, parameters, probes)
            let workerLatency = try await Self.latency(worker, parameters, probes)
            progress("client worker: \(probes) probes each way, 8 in flight")
            let inProcessRate = try await Self.rate(inProcess, parameters, probes)
            let workerRate = try await Self.rate(worker, parameters, probes)
            return Result(
                workerLibpq: client.libpq ?? "system", probes: probes,
                inProcessMedianMilliseconds: inProcessLatency, workerMedianMilliseconds: workerLatency,
                inProcessPerSecond: inProcessRate, workerPerSecond: workerRate,
                poolStartMilliseconds: poolStartMilliseconds)
        }
    }

    static func latency(_ probe: Probe, _ parameters: ConnectionParameters, _ count: Int) async throws -> Double {
        var samples: [Double] = []
        for _ in 0..<count {
            let start = ContinuousClock.now
            let outcome = await probe.connect(parameters)
            guard outcome.session?.client.encrypted == true else { throw BenchFailure(outcome: "\(outcome)") }
            samples.append((ContinuousClock.now - start).milliseconds)
        }
        return samples.sorted()[samples.count / 2]
    }

    static func rate(_ probe: Probe, _ parameters: ConnectionParameters, _ count: Int) async throws -> Double {
        let start = ContinuousClock.now
        let accepted = await withTaskGroup(of: Bool.self) { group in
            var launched = 0
            var accepted = 0
            while launched < min(8, count) {
                group.addTask { await probe.connect(parameters).session != nil }
                launched += 1
            }
            for await ok in group {
                if ok { accepted += 1 }
                if launched < count {
                    group.addTask { await probe.connect(parameters).session != nil }
                    launched += 1
                }
            }
            return accepted
        }
        guard accepted == count else { throw BenchFailure(outcome: "\(count - accepted) of \(count) probes failed") }
        return Double(count) / ((ContinuousClock.now - start).milliseconds / 1000)
    }

    struct BenchFailure: Error, CustomStringConvertible {
        let outcome: String
        var description: String { "a benchmark probe was not accepted over TLS: \(outcome)" }
    }
}

extension Duration {
    var milliseconds: Double {
        let c = components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}
