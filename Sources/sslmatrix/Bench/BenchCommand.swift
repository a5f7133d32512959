import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix bench`: where the harness stands, measured side by side in one invocation,
/// printed as ratios and written as JSON under results/.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Benchmark: matrix throughput vs pgbench -C, cluster readiness vs pg_virtualenv and initdb+pg_ctl, PKI cold/cached."
    )

    @OptionGroup var installation: InstallationOptions
    @Option(help: "Runs per cluster-readiness measurement (medians are reported).") var runs = 5
    @Option(help: "Seconds per pgbench -C / probe-rate measurement.") var seconds = 5
    @Option(help: "Connections in flight for pgbench -C and our probes.") var clients = 4
    @Flag(help: "Skip the full matrix run (throughput).") var skipMatrix = false
    @Flag(help: "Skip the client-worker vs in-process probe comparison.") var skipWorker = false
    @Option(help: "Probes per client-worker measurement.") var workerProbes = 200
    @Option(help: "Directory for the JSON results.") var resultsDirectory = "results"

    struct Results: Codable {
        var versions: VersionInfo
        var cluster: ClusterBenchmark.Result
        var connectionRates: [ConnectionRateBenchmark.Rate]
        var pki: PKIMatrixBenchmark.Result
        var matrixCases: Int?
        var matrixSeconds: Double?
        var matrixCasesPerSecond: Double?
        var clientWorker: ClientWorkerBenchmark.Result?
    }

    func run() async throws {
        do {
            let inst = try installation.installations()[0]
            let say: (String) -> Void = { FileHandle.standardError.write(Data("bench: \($0)\n".utf8)) }
            let versions = await VersionInfo.collect(inst)
            say("cluster readiness (\(runs) runs)")
            let cluster = try await ClusterBenchmark(
                installation: inst, runs: runs,
                tls: { cluster in
                    let material = try BenchTLS.configure(cluster)
                    _ = material
                    return cluster.settings
                },
                tlsAccepts: { cluster in
                    try await cluster.query("CREATE ROLE bench_trust LOGIN")
                    let outcome = await Probe(cluster: cluster).connect(
                        ConnectionParameters(
                            host: BenchTLS.host, hostaddr: "127.0.0.1", port: cluster.port, user: "bench_trust",
                            sslmode: "require"))
                    return outcome.session?.client.encrypted == true
                }
            ).run(progress: say)
            say("connection rates (\(seconds) s each, \(clients) in flight)")
            let rates = try await ConnectionRateBenchmark(installation: inst, seconds: seconds, clients: clients).run(
                progress: say)
            say("PKI for the whole matrix")
            let pki = try PKIMatrixBenchmark(major: inst.major).run()
            var results = Results(versions: versions, cluster: cluster, connectionRates: rates, pki: pki)
            // The first client build that is not the system libpq (make majors installs them).
            if !skipWorker, let other = try InstallationCatalog.discover().clients.first(where: { !$0.isSystem }) {
                results.clientWorker = try await ClientWorkerBenchmark(
                    installation: inst, client: other, probes: workerProbes
                ).run(progress: say)
            }
            if !skipMatrix {
                say("full matrix")
                let report = try await MatrixRun.run(
                    installation: inst, filter: nil, groupParallelism: 3, probeParallelism: 8)
                results.matrixCases = report.results.count
                results.matrixSeconds = report.elapsed
                results.matrixCasesPerSecond = report.casesPerSecond
            }
            try SecureFiles.makeDirectory(resultsDirectory, mode: 0o755)
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
            let path = "\(resultsDirectory)/bench-\(stamp).json"
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try SecureFiles.write(try encoder.encode(results), to: path, mode: 0o644)
            print(BenchTable.render(results))
            print("written: \(path)")
        } catch let error as ClusterKitError {
            throw failClearly(error)
        } catch let error as InstallationError {
            throw failClearly(error)
        }
    }
}

enum BenchTable {
    static func render(_ r: BenchCommand.Results) -> String {
        let c = r.cluster
        func ms(_ s: Samples) -> String { String(format: "%8.1f ms", s.median) }
        func ratio(_ a: Double, _ b: Double) -> String { b > 0 && a > 0 ? String(format: "%6.2fx", a / b) : "     -" }
        var lines = [
            "pg-ssl-matrix bench: PostgreSQL \(r.versions.server), \(r.versions.libpqSSLLibrary ?? "")",
            "",
            "cluster (medians of \(c.initdb.values.count))",
            "  initdb                      \(ms(c.initdb))",
            "  template copy               \(ms(c.templateCopy))   initdb/copy \(ratio(c.initdb.median, c.templateCopy.median))",
            "  pg_ctl start -w             \(ms(c.start))",
            "  reload (in effect)          \(ms(c.reload))",
            "  stop                        \(ms(c.stop))",
            "readiness: nothing -> TLS connection accepted",
            "  ours (copy+start+TLS)       \(ms(c.readinessOurs))",
            "  initdb + pg_ctl start       \(ms(c.readinessBare))   vs ours \(ratio(c.readinessBare.median, c.readinessOurs.median))",
            "  pg_virtualenv true          \(ms(c.readinessPgVirtualenv))   vs ours \(ratio(c.readinessPgVirtualenv.median, c.readinessOurs.median))",
            "",
            "connection rate (same TLS settings)   pgbench -C     probes   probes/pgbench",
        ]
        for rate in r.connectionRates {
            let name = rate.setting.padding(toLength: 34, withPad: " ", startingAt: 0)
            lines.append(
                "  " + name
                    + String(format: "%8.0f/s %8.0f/s   %6.2f", rate.pgbenchPerSecond, rate.probePerSecond, rate.ratio))
        }
        lines.append("")
        lines.append(
            String(
                format: "PKI for %d matrix groups: cold %.1f ms, cached %.1f ms (%.1fx)", r.pki.groups,
                r.pki.coldMilliseconds, r.pki.cachedMilliseconds,
                r.pki.coldMilliseconds / max(r.pki.cachedMilliseconds, 0.001)))
        if let w = r.clientWorker {
            lines.append("")
            lines.append("probe path (\(w.probes) TLS accepts each)   in-process     worker   worker/in-process")
            lines.append(
                String(
                    format: "  median latency               %8.1f ms %8.1f ms   %6.2fx", w.inProcessMedianMilliseconds,
                    w.workerMedianMilliseconds, w.workerMedianMilliseconds / max(w.inProcessMedianMilliseconds, 0.001)))
            lines.append(
                String(
                    format: "  8 in flight                  %8.0f/s  %8.0f/s   %6.2fx", w.inProcessPerSecond,
                    w.workerPerSecond, w.workerPerSecond / max(w.inProcessPerSecond, 0.001)))
            lines.append(
                String(
                    format: "  worker pool start (spawn+dlopen+hello) %.1f ms; worker libpq %@",
                    w.poolStartMilliseconds, w.workerLibpq as NSString))
        }
        if let cps = r.matrixCasesPerSecond, let n = r.matrixCases, let s = r.matrixSeconds {
            lines.append(String(format: "matrix: %d cases in %.1f s = %.0f cases/s", n, s, cps))
            for rate in r.connectionRates {
                lines.append(
                    String(
                        format: "  matrix cases/s / pgbench -C (%@): %.2f", rate.setting as NSString,
                        cps / rate.pgbenchPerSecond))
            }
        }
        return lines.joined(separator: "\n")
    }
}
