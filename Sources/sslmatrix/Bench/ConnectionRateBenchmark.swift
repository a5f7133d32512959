import ClusterKit
import Foundation

/// The physical limit for probes: `pgbench -C` (a new connection per `SELECT 1`) against a
/// server with the same TLS settings, next to our own probes at the same concurrency.
struct ConnectionRateBenchmark {
    let installation: Installation
    let seconds: Int
    let clients: Int

    struct Rate: Codable, Sendable {
        var setting: String
        var pgbenchPerSecond: Double
        var probePerSecond: Double
        var ratio: Double { pgbenchPerSecond > 0 ? probePerSecond / pgbenchPerSecond : .nan }
    }

    func run(progress: (String) -> Void) async throws -> [Rate] {
        try await Cluster.with(installation: installation) { cluster in
            let material = try BenchTLS.configure(cluster)
            try await cluster.start()
            try await BenchTLS.createRoles(cluster)
            let script = cluster.workspace.clientDirectory + "/select1.sql"
            try SecureFiles.write("SELECT 1;\n", to: script, mode: 0o644)
            var rates: [Rate] = []
            for setting in BenchTLS.settings {
                progress("pgbench -C \(setting)")
                let env = try BenchTLS.environment(setting, cluster, material)
                let result = try await Command.run(
                    installation.tool("pgbench"),
                    [
                        "-n", "-C", "-f", script, "-c", String(clients), "-j", String(min(clients, 2)), "-T",
                        String(seconds),
                    ], environment: env)
                guard result.succeeded, let tps = Self.tps(result.standardOutput) else {
                    throw BenchError.tool("pgbench failed for \(setting): \(result.combinedOutput)")
                }
                progress("probes \(setting)")
                let probeRate = try await probeRate(setting, cluster, material)
                rates.append(Rate(setting: setting.description, pgbenchPerSecond: tps, probePerSecond: probeRate))
            }
            return rates
        }
    }

    /// Our probes, `clients` in flight, for the same wall time as pgbench.
    private func probeRate(
        _ setting: BenchTLS.Setting, _ cluster: Cluster, _ material: PKIMaterial
    ) async throws -> Double {
        let parameters = try BenchTLS.parameters(setting, cluster, material)
        let probe = Probe(cluster: cluster)
        let deadline = Date().addingTimeInterval(Double(seconds))
        let start = Date()
        let count = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var n = 0
                    while Date() < deadline {
                        let outcome = await probe.connect(parameters)
                        if outcome.isAccepted { n += 1 }
                    }
                    return n
                }
            }
            return await group.reduce(0, +)
        }
        return Double(count) / Date().timeIntervalSince(start)
    }

    /// "tps = 143.2 (including reconnection times)" or "(without initial connection time)".
    static func tps(_ output: String) -> Double? {
        for line in output.split(separator: "\n") where line.hasPrefix("tps = ") {
            let number = line.dropFirst("tps = ".count).prefix { $0.isNumber || $0 == "." }
            return Double(number)
        }
        return nil
    }
}
