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
    @Option(help: "Groups (of 3 cases each) in the generated many-groups workload.") var manyGroups = 40
    @Option(help: "Repeats of each many-groups run, reuse on and off alternated (medians are reported).")
    var manyGroupsRepeats = 3
    @Option(help: "Example scenario files for the many-groups workload.")
    var examples = "Sources/Scenarios/examples"
    @Flag(help: "Only the cluster readiness and many-groups measurements (no connection rates, PKI, matrix).")
    var onlyGroups = false
    @Option(help: "Directory for the JSON results.") var resultsDirectory = "results"

    struct Results: Codable {
        var versions: VersionInfo
        var cluster: ClusterBenchmark.Result
        var manyGroups: ManyGroupsBenchmark.Result
        var connectionRates: [ConnectionRateBenchmark.Rate]
        var pki: PKIMatrixBenchmark.Result?
        /// What else ran on this machine (load average at start and end): figures from a
        /// shared machine are only comparable within one invocation.
        var loadAverage: [String] = []
        var matrixCases: Int?
        var matrixSeconds: Double?
        var matrixCasesPerSecond: Double?
        var clientWorker: ClientWorkerBenchmark.Result?
        /// Section -> the 1-minute load average before and after it ran.
        var sectionLoad: [String: String] = [:]
        /// Issue 15's targets with this run's figures (also printed).
        var targets: [BenchTargets.Row] = []
    }

    func run() async throws {
        do {
            let inst = try installation.installations()[0]
            // Said before minutes of measuring, not after them.
            let worker = ClientWorkerPool.defaultExecutable
            if !skipWorker && !onlyGroups && !FileManager.default.isExecutableFile(atPath: worker) {
                throw InstallationError.workerMissing(path: worker)
            }
            let say: (String) -> Void = { FileHandle.standardError.write(Data("bench: \($0)\n".utf8)) }
            let versions = await VersionInfo.collect(inst)
            let loadStart = BenchCommand.loadAverage()
            var loads: [String: String] = [:]
            say("cluster readiness (\(runs) runs)")
            let cluster = try await BenchCommand.measured("cluster", in: &loads) {
                try await ClusterBenchmark(
                    installation: inst, runs: runs,
                    tls: { cluster in
                        let material = try BenchTLS.configure(cluster)
                        _ = material
                        return cluster.settings
                    },
                    tlsAccepts: { cluster in
                        let outcome = await Probe(cluster: cluster).connect(
                            ConnectionParameters(
                                host: BenchTLS.host, hostaddr: "127.0.0.1", port: cluster.port, user: "bench_trust",
                                sslmode: "require"))
                        return outcome.session?.client.encrypted == true
                    }, rolesSQL: try BenchTLS.rolesSQL
                ).run(progress: say)
            }
            say("many groups: \(manyGroups) generated groups + examples, reuse on/off, \(manyGroupsRepeats) runs each")
            let many = try await BenchCommand.measured("many groups", in: &loads) {
                try await ManyGroupsBenchmark(
                    installation: inst, generatedGroups: manyGroups, repeats: manyGroupsRepeats,
                    examplesDirectory: examples
                ).run(progress: say)
            }
            var rates: [ConnectionRateBenchmark.Rate] = []
            var pki: PKIMatrixBenchmark.Result? = nil
            if !onlyGroups {
                say("connection rates (\(seconds) s each, \(clients) in flight)")
                rates = try await BenchCommand.measured("connection rates", in: &loads) {
                    try await ConnectionRateBenchmark(installation: inst, seconds: seconds, clients: clients).run(
                        progress: say)
                }
                say("PKI for the whole matrix")
                pki = try PKIMatrixBenchmark(major: inst.major).run()
            }
            var results = Results(
                versions: versions, cluster: cluster, manyGroups: many, connectionRates: rates, pki: pki,
                loadAverage: [loadStart, BenchCommand.loadAverage()])
            // The first client build that is not the system libpq (make majors installs them).
            if !skipWorker && !onlyGroups,
                let other = try InstallationCatalog.discover().clients.first(where: { !$0.isSystem })
            {
                results.clientWorker = try await ClientWorkerBenchmark(
                    installation: inst, client: other, probes: workerProbes
                ).run(progress: say)
            }
            if !skipMatrix && !onlyGroups {
                say("full matrix")
                let report = try await BenchCommand.measured("matrix", in: &loads) {
                    try await MatrixRun.run(installation: inst, filter: nil, groupParallelism: 3, probeParallelism: 8)
                }
                results.matrixCases = report.results.count
                results.matrixSeconds = report.elapsed
                results.matrixCasesPerSecond = report.casesPerSecond
            }
            results.sectionLoad = loads
            results.targets = BenchTargets.rows(results)
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

extension BenchCommand {
    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
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
            "  start (postgres -D, ready)  \(ms(c.start))",
            "  reload (in effect)          \(ms(c.reload))",
            "  stop                        \(ms(c.stop))",
            "readiness: nothing -> TLS connection accepted",
            "  ours (copy+start+TLS)       \(ms(c.readinessOurs))   target <= 80 ms",
            "  initdb + pg_ctl start       \(ms(c.readinessBare))   vs ours \(ratio(c.readinessBare.median, c.readinessOurs.median))",
            "  pg_virtualenv true          \(ms(c.readinessPgVirtualenv))   vs ours \(ratio(c.readinessPgVirtualenv.median, c.readinessOurs.median)) (target >= 40x)",
            "",
        ]
        lines += manyGroupsLines(r.manyGroups)
        lines += [
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
        if let pki = r.pki {
            lines.append(
                String(
                    format: "PKI for %d matrix groups: cold %.1f ms, cached %.1f ms (%.1fx)", pki.groups,
                    pki.coldMilliseconds, pki.cachedMilliseconds,
                    pki.coldMilliseconds / max(pki.cachedMilliseconds, 0.001)))
        }
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
        lines.append("load average at start / end: \(r.loadAverage.joined(separator: " / "))")
        lines.append("")
        lines += BenchTargets.render(r.targets)
        return lines.joined(separator: "\n")
    }

    static func manyGroupsLines(_ m: ManyGroupsBenchmark.Result) -> [String] {
        var lines = ["many groups (reuse on vs off, medians)"]
        for w in m.workloads {
            lines.append(
                String(
                    format: "  %@: %d groups, %d cases", w.name as NSString, w.groups, w.cases))
            lines.append(
                String(
                    format: "    wall time            reuse %7.2f s   no reuse %7.2f s   speed-up %5.2fx",
                    w.secondsReuse.median, w.secondsNoReuse.median, w.speedup))
            if let floor = w.secondsFloor, let ceiling = w.ceiling {
                lines.append(
                    String(
                        format: "    never switched       floor %7.2f s   (the same connections; ceiling %5.2fx)",
                        floor.median, ceiling))
            }
            lines.append(
                String(
                    format: "    per-group overhead   reuse %7.1f ms  no reuse %7.1f ms  ratio %5.2fx",
                    w.overheadReuse.median, w.overheadNoReuse.median,
                    w.overheadNoReuse.median / max(w.overheadReuse.median, 0.001)))
            let bad = w.runs.reduce(0) { $0 + $1.notAsDeclared }
            let failed = w.runs.reduce(0) { $0 + $1.failedSwitches }
            lines.append("    cases not as declared: \(bad), failed switches: \(failed)")
            if let run = w.runs.last(where: { $0.reuse }) {
                lines.append(
                    "    servers with reuse: \(run.freshStarts) started, \(run.switches) switched by reload, "
                        + "\(run.restarts) restarted, \(run.startsBeside) expected start failures beside")
            }
            for reuse in [true, false] {
                guard let run = w.runs.last(where: { $0.reuse == reuse }) else { continue }
                lines.append(
                    "    ms per group, reuse \(reuse ? "on " : "off"): \(Self.phaseText(run.phaseMillisecondsPerGroup))"
                )
            }
            // Where to cut next: the costliest groups of the last reuse run, and how they ran.
            if let run = w.runs.last(where: { $0.reuse }), run.groupLabels.count == run.groupOverheadMilliseconds.count
            {
                let phases = run.groupPhases.count == run.groupLabels.count ? run.groupPhases : []
                let top = run.groupLabels.indices.sorted {
                    run.groupOverheadMilliseconds[$0] > run.groupOverheadMilliseconds[$1]
                }.prefix(4)
                lines.append("    costliest with reuse:")
                for i in top {
                    let split = phases.isEmpty ? "" : " (" + Self.phaseText(phases[i]) + ")"
                    lines.append(
                        String(format: "      %.0f ms  ", run.groupOverheadMilliseconds[i]) + run.groupLabels[i] + split
                    )
                }
            }
        }
        return lines
    }

    /// "switch 19.3, start 5.5, ...": phases, costliest first.
    static func phaseText(_ phases: [String: Double]) -> String {
        phases.sorted { $0.value > $1.value }
            .map { String(format: "%@ %.1f", $0.key as NSString, $0.value) }.joined(separator: ", ")
    }
}
