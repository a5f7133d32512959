import Foundation

/// Issue 15's targets, each with the figure this invocation measured, whether it is met, and
/// the machine's load while it was measured: on a shared machine a figure means little
/// without the load beside it, while ratios measured side by side in one run still compare.
struct BenchTargets {
    struct Row: Codable, Sendable {
        var name: String
        var measured: String
        var target: String
        var met: Bool?
        /// 1-minute load average before and after the section that measured it.
        var load: String
    }

    static func rows(_ r: BenchCommand.Results) -> [Row] {
        func load(_ section: String) -> String { r.sectionLoad[section] ?? "?" }
        var rows: [Row] = []
        let ours = r.cluster.readinessOurs.median
        rows.append(
            Row(
                name: "readiness (nothing -> TLS connection accepted)", measured: String(format: "%.1f ms", ours),
                target: "<= 80 ms", met: ours.isNaN ? nil : ours <= 80, load: load("cluster")))
        let virtualenv = r.cluster.readinessPgVirtualenv.median
        if !virtualenv.isNaN {
            let ratio = virtualenv / ours
            rows.append(
                Row(
                    name: "readiness vs pg_virtualenv", measured: String(format: "%.1fx", ratio), target: ">= 40x",
                    met: ratio >= 40, load: load("cluster")))
        }
        for w in r.manyGroups.workloads {
            let overhead = w.overheadReuse.median
            rows.append(
                Row(
                    name: "per-group overhead with reuse (\(w.name), \(w.groups) groups)",
                    measured: String(format: "%.1f ms (%.1f ms without)", overhead, w.overheadNoReuse.median),
                    target: "<= 40 ms", met: overhead.isNaN ? nil : overhead <= 40, load: load("many groups")))
            rows.append(
                Row(
                    name: "many-groups speed-up, reuse vs none (\(w.name))",
                    measured: String(format: "%.2fx", w.speedup), target: ">= 5x", met: w.speedup >= 5,
                    load: load("many groups")))
            if let ceiling = w.ceiling {
                // No target of its own: the bound the line above is measured against.
                rows.append(
                    Row(
                        name: "  ceiling: no reuse / the same connections never switched",
                        measured: String(format: "%.2fx (reached %.0f%%)", ceiling, 100 * w.speedup / ceiling),
                        target: "-", met: nil, load: load("many groups")))
            }
        }
        if let cps = r.matrixCasesPerSecond,
            let fastest = r.connectionRates.max(by: {
                $0.pgbenchPerSecond < $1.pgbenchPerSecond
            })
        {
            let ratio = cps / fastest.pgbenchPerSecond
            rows.append(
                Row(
                    name: "full matrix cases/s / pgbench -C (\(fastest.setting), the fastest)",
                    measured: String(format: "%.2f (%.0f/s vs %.0f/s)", ratio, cps, fastest.pgbenchPerSecond),
                    target: ">= 1.1", met: ratio >= 1.1, load: load("matrix") + "; pgbench: " + load("connection rates")
                )
            )
        }
        return rows
    }

    static func render(_ rows: [Row]) -> [String] {
        var lines = [
            "targets (issue 15)                                       measured                     target    met  load 1-min before -> after"
        ]
        for row in rows {
            let met = row.met.map { $0 ? "yes" : "NO " } ?? " - "
            lines.append(
                "  " + row.name.padding(toLength: 55, withPad: " ", startingAt: 0) + " "
                    + row.measured.padding(toLength: 28, withPad: " ", startingAt: 0) + " "
                    + row.target.padding(toLength: 9, withPad: " ", startingAt: 0) + " " + met + "  " + row.load)
        }
        return lines
    }
}

extension BenchCommand {
    /// The 1-minute load average now.
    static func oneMinuteLoad() -> String {
        loadAverage().split(separator: " ").first.map(String.init) ?? "?"
    }

    /// Runs `body`, recording the 1-minute load before and after it under `section`.
    static func measured<T>(
        _ section: String, in loads: inout [String: String], _ body: () async throws -> T
    ) async rethrows -> T {
        let before = oneMinuteLoad()
        let value = try await body()
        loads[section] = "\(before) -> \(oneMinuteLoad())"
        return value
    }
}
