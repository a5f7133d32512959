import ClusterKit
import Foundation
import Scenarios

/// Many small groups with server reuse on and off, alternated so both see the same load:
/// the generated workload (`ManyGroupsWorkload`) and the shipped example files.
struct ManyGroupsBenchmark {
    let installation: Installation
    let generatedGroups: Int
    let repeats: Int
    let examplesDirectory: String

    struct Run: Codable, Sendable {
        var workload: String
        var reuse: Bool
        var groups: Int
        var cases: Int
        var seconds: Double
        var freshStarts: Int
        var switches: Int
        /// Groups run by restarting the lane's cluster (not switchable by reload).
        var restarts: Int = 0
        /// Groups expecting a start failure, run on a copy beside the lane's server.
        var startsBeside: Int = 0
        var failedSwitches: Int
        var notAsDeclared: Int
        /// Per group: wall time minus probing (server start or switch, set-up, stop).
        var groupOverheadMilliseconds: [Double]
        /// Beside each: the group's id and how it ran (fresh, switched, restarted, beside).
        var groupLabels: [String] = []
        /// Beside each: where its overhead went, phase -> ms.
        var groupPhases: [[String: Double]] = []
        /// Where the overhead went, per group on average: phase -> ms.
        var phaseMillisecondsPerGroup: [String: Double] = [:]
    }

    struct Workload: Codable, Sendable {
        var name: String
        var groups: Int
        var cases: Int
        var runs: [Run]
        var secondsReuse = Samples()
        var secondsNoReuse = Samples()
        var overheadReuse = Samples()
        var overheadNoReuse = Samples()
        /// The same connections on servers that never switch (`ManyGroupsWorkload.floorYAML`),
        /// measured in the same repeats: the least wall time any reuse can reach.
        var secondsFloor: Samples? = nil
        /// median seconds without reuse / with reuse.
        var speedup: Double { secondsNoReuse.median / max(secondsReuse.median, 0.000_001) }
        /// The speed-up reuse would give if switching servers cost nothing: without reuse / floor.
        var ceiling: Double? {
            secondsFloor.map { secondsNoReuse.median / max($0.median, 0.000_001) }
        }
    }

    struct Result: Codable, Sendable {
        var workloads: [Workload]
    }

    func run(progress: (String) -> Void) async throws -> Result {
        var workloads: [Workload] = []
        let generated = try ManyGroupsWorkload.file(groups: generatedGroups)
        let floor = try ManyGroupsWorkload.floorFile(groups: generatedGroups)
        workloads.append(try await measure("generated", generated.groups, floor: floor.groups, progress: progress))
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
        if !names.isEmpty {
            let groups = try names.flatMap { try ScenarioFile.load(path: "\(examplesDirectory)/\($0)").groups }
            workloads.append(try await measure("examples", groups, progress: progress))
        }
        // PostgreSQL's own src/test/ssl suite as scenario files: the work the issue measured
        // users writing (a group = one server configuration, as in that suite).
        let suite = examplesDirectory + "/postgres-ssl-suite"
        let suiteNames = ((try? FileManager.default.contentsOfDirectory(atPath: suite)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        if !suiteNames.isEmpty {
            let groups = try suiteNames.flatMap { try ScenarioFile.load(path: "\(suite)/\($0)").groups }
            workloads.append(try await measure("postgres-ssl-suite", groups, progress: progress))
        }
        return Result(workloads: workloads)
    }

    private func measure(
        _ name: String, _ groups: [RunnableGroup], floor: [RunnableGroup]? = nil, progress: (String) -> Void
    ) async throws -> Workload {
        let cases = groups.reduce(0) { $0 + $1.cases.count }
        var workload = Workload(name: name, groups: groups.count, cases: cases, runs: [])
        // Warm-up: the template, the parameter contexts and the PKI cache are per process;
        // every group's keys are made here, or the first measured run would pay for them all.
        _ = await ScenarioRunner(installation: installation).run(Array(groups.prefix(1)))
        let workspace = try Workspace.shared()
        let scratch = "\(workspace.runDirectory)/bench-pki-warm-up"
        defer { SecureFiles.remove(scratch) }
        for (index, group) in groups.enumerated() {
            _ = try PKI.materialize(group.pki, into: "\(scratch)/\(index)", serverAccount: workspace.account)
        }
        if floor != nil { workload.secondsFloor = Samples() }
        for r in 0..<repeats {
            if let floor {
                progress("\(name): the same connections, \(floor.count) groups never switched, run \(r + 1)/\(repeats)")
                let start = ContinuousClock.now
                let (results, _) = await ScenarioRunner(installation: installation, reuse: true).runCounting(floor)
                let elapsed = ContinuousClock.now - start
                let bad = results.filter { $0.verdict == .disagree || $0.verdict == .error }.count
                if bad > 0 { progress("\(name) floor: \(bad) cases not as declared") }
                workload.secondsFloor?.add(Stopwatch.seconds(elapsed))
            }
            for reuse in (r % 2 == 0 ? [true, false] : [false, true]) {
                progress("\(name): \(groups.count) groups, reuse \(reuse ? "on" : "off"), run \(r + 1)/\(repeats)")
                let start = ContinuousClock.now
                let (results, statistics) = await ScenarioRunner(installation: installation, reuse: reuse)
                    .runCounting(groups)
                let elapsed = ContinuousClock.now - start
                let seconds = Stopwatch.seconds(elapsed)
                let run = Run(
                    workload: name, reuse: reuse, groups: groups.count, cases: results.count, seconds: seconds,
                    freshStarts: statistics.freshStarts, switches: statistics.switches, restarts: statistics.restarts,
                    startsBeside: statistics.startsBeside,
                    failedSwitches: statistics.fallbacks.count,
                    notAsDeclared: results.filter { $0.verdict == .disagree || $0.verdict == .error }.count,
                    groupOverheadMilliseconds: statistics.groupOverheadMilliseconds,
                    groupLabels: statistics.groupLabels,
                    groupPhases: statistics.groupPhases,
                    phaseMillisecondsPerGroup: statistics.phaseMilliseconds.mapValues {
                        $0 / Double(max(groups.count, 1))
                    })
                workload.runs.append(run)
                if reuse {
                    workload.secondsReuse.add(seconds)
                    statistics.groupOverheadMilliseconds.forEach { workload.overheadReuse.add($0) }
                } else {
                    workload.secondsNoReuse.add(seconds)
                    statistics.groupOverheadMilliseconds.forEach { workload.overheadNoReuse.add($0) }
                }
            }
        }
        return workload
    }
}
