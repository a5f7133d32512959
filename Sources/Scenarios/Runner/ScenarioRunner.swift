import ClusterKit
import Foundation
import Synchronization

/// Runs groups on real clusters, probes in parallel within a group, a few groups at once.
///
/// With `reuse` (the default) a server is kept for the next group when the two differ only
/// in what a reload switches (see `ServerReuse`); otherwise every group gets a fresh
/// cluster. Both give identical results: the switch is verified and a failed one falls
/// back to a fresh server. Every cluster is destroyed when its last group ends, whatever
/// happened.
public struct ScenarioRunner: Sendable {
    public var installation: Installation
    public var groupParallelism: Int
    public var probeParallelism: Int
    /// The libpq the probes connect through (default: this process's, in-process).
    public var client: ProbeClient = .inProcess
    /// Keep servers across groups that differ only in reloadable things (`--no-reuse` turns it off).
    public var reuse: Bool
    /// Called after every case (done, total); used for the live progress line.
    public var progress: (@Sendable (Int, Int) -> Void)?
    /// Called when a server switch failed and the group got a fresh server instead.
    public var note: (@Sendable (String) -> Void)?

    public init(
        installation: Installation, groupParallelism: Int = 3, probeParallelism: Int = 8, reuse: Bool = true,
        progress: (@Sendable (Int, Int) -> Void)? = nil, note: (@Sendable (String) -> Void)? = nil
    ) {
        self.installation = installation
        self.groupParallelism = groupParallelism
        self.probeParallelism = probeParallelism
        self.reuse = reuse
        self.progress = progress
        self.note = note
    }

    public func run(_ groups: [RunnableGroup]) async -> [CaseResult] {
        await runCounting(groups).results
    }

    /// The results in group order, and how many servers were started and switched.
    public func runCounting(_ groups: [RunnableGroup]) async -> (results: [CaseResult], statistics: ReuseStatistics) {
        let total = groups.reduce(0) { $0 + $1.cases.count }
        let done = Atomic<Int>(0)
        let tick: @Sendable (Int) -> Void = { n in
            let now = done.add(n, ordering: .relaxed).newValue
            progress?(now, total)
        }
        let groups = groups.map { OwnershipRealizability.adjust(predictingFileCases($0)) }
        let (perGroup, statistics) = await runLanes(groups, tick: tick)
        return (perGroup.flatMap { $0 }, statistics)
    }

    /// One group on its own fresh cluster, destroyed afterwards.
    public func runGroup(
        _ group: RunnableGroup, tick: @escaping @Sendable (Int) -> Void = { _ in }
    ) async -> [CaseResult] {
        let group = OwnershipRealizability.adjust(predictingFileCases(group))
        let (skipped, runnable) = split(group)
        tick(skipped.count)
        let (results, _) = await runFresh(group, runnable, keep: false, tick: tick)
        return labelled(group, skipped + results)
    }

    /// A scenario file's `expect: model` cases not predicted yet (a caller that did not call
    /// `ScenarioFile.predicted(versions:)`) are predicted here for this server and this
    /// client's libpq and OpenSSL (the server's OpenSSL taken as the catalogue's assumed one);
    /// `sslmatrix run` predicts before, with the OpenSSL the server really maps.
    func predictingFileCases(_ group: RunnableGroup) -> RunnableGroup {
        guard group.cases.contains(where: { if case .pendingModel = $0.expectation { true } else { false } }) else {
            return group
        }
        return group.predicted(versions: Versions.with(server: installation, client: client.libraries))
    }

    /// The cases this machine skips (as results), and the ones to run.
    func split(_ group: RunnableGroup) -> (skipped: [CaseResult], runnable: [CaseSpec]) {
        let skipped = group.cases.compactMap { c -> CaseResult? in
            guard let reason = c.skipReason else { return nil }
            return CaseResult(
                id: c.id, group: group.id, verdict: .skipped, differences: [reason],
                expected: Self.describe(c.expectation), rules: c.expectation.rules, observed: nil)
        }
        return (skipped, group.cases.filter { $0.skipReason == nil })
    }

    func labelled(_ group: RunnableGroup, _ results: [CaseResult]) -> [CaseResult] {
        let labels = Dictionary(group.cases.map { ($0.id, $0.labels) }, uniquingKeysWith: { a, _ in a })
        return results.map { r in
            var r = r
            r.labels = labels[r.id] ?? [:]
            return r
        }
    }

    /// Runs `runnable` on a new cluster. With `keep`, a cluster that started and was set up
    /// is returned running (for the next group) instead of destroyed, with its database state;
    /// so is the cluster of a group that expected its server not to start (stopped, or
    /// running when it started after all).
    func runFresh(
        _ group: RunnableGroup, _ runnable: [CaseSpec], keep: Bool, removals: Removals? = nil,
        tick: @escaping @Sendable (Int) -> Void
    ) async -> ([CaseResult], KeptServer?) {
        var results: [CaseResult] = []
        if runnable.isEmpty { return (results, nil) }
        let cluster: Cluster
        do {
            cluster = try await GroupClock.phase("create") { try await Cluster.create(installation: installation) }
        } catch {
            tick(runnable.count)
            return (runnable.map { errorResult($0, group, "could not create a cluster: \(error)") }, nil)
        }
        do {
            let material = try GroupClock.phase("files") { try Self.writeServerFiles(group, to: cluster) }
            // Stamped before the server or any case could touch them.
            let kept = keep ? KeptFiles(pki: group.pki, material: material) : nil
            let started = await Self.start(cluster)
            if let startExpectation = group.startExpectation {
                results += compareStart(startExpectation, started, group, runnable, cluster, material)
                tick(runnable.count)
                // Whether it started or not, the data directory is the template's: a next
                // group can restart on it.
                if keep { return (results, KeptServer(cluster: cluster, state: nil, files: kept)) }
                if let removals {
                    await removals.add(cluster)
                } else {
                    await GroupClock.phase("destroy") { await cluster.destroy() }
                }
                return (results, nil)
            }
            if case .failure(let error) = started {
                tick(runnable.count)
                await cluster.destroy()
                return (results + runnable.map { errorResult($0, group, "the server did not start: \(error)") }, nil)
            }
            let state = try await GroupClock.phase("setup") {
                try await ServerReset.setUp(group, on: cluster, record: keep)
            }
            let (probed, died) = await probeMarkingDeath(runnable, group, cluster, material, tick: tick)
            results += probed
            // A server that died is never handed to the next group.
            if keep, let state, !died {
                return (results, KeptServer(cluster: cluster, state: state, files: kept))
            }
        } catch {
            let finished = Set(results.map(\.id))
            let missing = runnable.filter { !finished.contains($0.id) }
            tick(missing.count)
            results += missing.map { errorResult($0, group, "set-up failed: \(error)") }
        }
        await GroupClock.phase("destroy") { await cluster.destroy() }
        return (results, nil)
    }

    /// Starts `cluster` (timed as the group's "start"); a failure is a result, not a throw:
    /// a group may expect it.
    static func start(_ cluster: Cluster) async -> Result<Void, any Error> {
        do {
            try await GroupClock.phase("start") { try await cluster.start() }
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// Probes `runnable` on `cluster` and turns the results into "could not run" when the
    /// server died meanwhile (`ServerDeath`); `died` says so, and such a cluster is never kept.
    func probeMarkingDeath(
        _ runnable: [CaseSpec], _ group: RunnableGroup, _ cluster: Cluster, _ material: PKIMaterial,
        tick: @escaping @Sendable (Int) -> Void
    ) async -> (results: [CaseResult], died: Bool) {
        let mark = cluster.log.mark()
        let probed = await GroupClock.probing { await probeAll(runnable, group, cluster, material, tick: tick) }
        let marked = ServerDeath.mark(probed, cluster, since: mark)
        return (marked, marked.contains(where: ServerDeath.isServerDeath))
    }

    /// Switches a running server to `group` (files, settings, hba, ident, roles, extensions)
    /// and probes. Throws, before any case ran, when the switch could not be made or proved.
    /// Returns the results and the server to keep: the same cluster with the database state
    /// the group left and the files it used, or nil when its server died (it is destroyed).
    func runSwitched(
        _ group: RunnableGroup, _ runnable: [CaseSpec], on server: KeptServer, tick: @escaping @Sendable (Int) -> Void
    ) async throws -> ([CaseResult], KeptServer?) {
        let cluster = server.cluster
        let (material, files) = try Self.rewriteServerFiles(group, on: cluster, keeping: server.files)
        let current = server.state
        // The reset's SQL is its own phase ("reset"), apart from the reload and its proof ("switch").
        let clock = GroupClock.current
        let state = try await GroupClock.phase("switch") {
            try await cluster.switchConfiguration(then: {
                let start = ContinuousClock.now
                defer { clock?.move(ContinuousClock.now - start, from: "switch", to: "reset") }
                return try ServerReset.reset(on: $0, for: group, major: cluster.installation.major, current: current)
            })
        }
        let (probed, died) = await probeMarkingDeath(runnable, group, cluster, material, tick: tick)
        if died {
            await GroupClock.phase("destroy") { await cluster.destroy() }
            return (probed, nil)
        }
        return (probed, KeptServer(cluster: cluster, state: state, files: files))
    }

    /// Writes `group`'s files and configuration into a kept cluster: the files the previous
    /// group wrote identically are kept (`KeptFiles`), everything else in the files directory
    /// is removed first. Returns the material and the files now kept.
    static func rewriteServerFiles(
        _ group: RunnableGroup, on cluster: Cluster, keeping kept: KeptFiles?
    ) throws -> (PKIMaterial, KeptFiles?) {
        var files = kept
        let plan = try GroupClock.phase("clear") { () throws -> KeptFiles.Plan? in
            guard let plan = files?.plan(for: group.pki) else {
                try cluster.clearServerFiles()
                return nil
            }
            for name in plan.remove { SecureFiles.remove(cluster.filesDirectory + "/" + name) }
            return plan
        }
        let material = try GroupClock.phase("files") {
            let material: PKIMaterial
            if let kept = files, let plan, plan.remove.isEmpty, plan.keep.count == group.pki.files.count {
                material = kept.material
            } else {
                material = try PKI.materialize(
                    group.pki, into: cluster.filesDirectory, serverAccount: cluster.workspace.account,
                    skipping: plan?.keep ?? [])
                files = KeptFiles(pki: group.pki, material: material)
            }
            try cluster.configure(Self.resolve(group.settings, files: material.directory))
            try cluster.setHBA(group.hba)
            try cluster.setIdent(group.ident)
            return material
        }
        return (material, files)
    }

    func probeAll(
        _ cases: [CaseSpec], _ group: RunnableGroup, _ cluster: Cluster, _ material: PKIMaterial,
        tick: @escaping @Sendable (Int) -> Void
    ) async -> [CaseResult] {
        var configured = Probe(cluster: cluster)
        configured.client = client
        let probe = configured
        // Once per group: the normaliser's literals (this cluster, this group's serials).
        let norm = normalizer(cluster, material)
        let socketLock = SerialLock()
        var results: [CaseResult] = []
        await withTaskGroup(of: CaseResult.self) { taskGroup in
            var next = 0
            func launch() {
                guard next < cases.count else { return }
                let c = cases[next]
                let serial = next
                next += 1
                taskGroup.addTask {
                    // The server logs Unix-socket clients as [local], without a port: one at a
                    // time, so their log lines pair unambiguously.
                    let r =
                        c.client.transport == .unixSocket
                        ? await socketLock.run {
                            await runCase(c, serial: serial, group, cluster, material, probe, norm)
                        }
                        : await runCase(c, serial: serial, group, cluster, material, probe, norm)
                    tick(1)
                    return r
                }
            }
            // A driver that cannot name its sockets is paired with the server log by time
            // (`Probe.pairLogWindow`): one connection at a time per cluster.
            for _ in 0..<(client.driver != nil ? 1 : max(1, probeParallelism)) { launch() }
            for await result in taskGroup {
                results.append(result)
                launch()
            }
        }
        let order = Dictionary(uniqueKeysWithValues: cases.enumerated().map { ($1.id, $0) })
        return results.sorted { (order[$0.id] ?? 0) < (order[$1.id] ?? 0) }
    }

    private func runCase(
        _ c: CaseSpec, serial: Int, _ group: RunnableGroup, _ cluster: Cluster,
        _ material: PKIMaterial, _ probe: Probe, _ norm: @escaping @Sendable (String) -> String
    ) async -> CaseResult {
        let parameters: ConnectionParameters
        do {
            parameters = try c.client.parameters(
                cluster: cluster, material: material, applicationName: "sslmatrix-\(serial)")
        } catch {
            return errorResult(c, group, "client files: \(error)")
        }
        // A dead server answers nothing worth comparing: skip the connection attempt.
        guard cluster.postmasterIsAlive else { return errorResult(c, group, ServerDeath.prefix + "the server is gone") }
        let outcome = await probe.connect(parameters)
        // Every case must have run on the libraries the run reports: a worker that mapped
        // something else (or two OpenSSLs) would make its answers meaningless.
        let expectedLibraries = client.libraries
        if let used = outcome.clientLibraries, used != expectedLibraries || used.isMixed {
            return errorResult(
                c, group,
                "the client used \(used), not the run's \(expectedLibraries): \(InstallationError.mixedOpenSSL(details: "per-case check"))"
            )
        }
        let run = runValues(parameters, cluster, material, probe)
        var diffs = OutcomeComparison.compare(c.expectation, outcome, run)
        if diffs.isEmpty { diffs += await Self.psqlDifferences(c.expectation, parameters, cluster) }
        let result = CaseResult(
            id: c.id, group: group.id, verdict: diffs.isEmpty ? .agree : .disagree, differences: diffs,
            expected: Self.describe(c.expectation), rules: c.expectation.rules,
            observed: Self.summary(outcome, normalizer: norm))
        // A driver probe is judged against libpq's model: its own wording is no deviation.
        if client.driver != nil {
            return DriverConformance.judge(result, expectation: c.expectation, outcome: outcome)
        }
        return result
    }

    // MARK: Start-up expectations

    func compareStart(
        _ expectation: CaseExpectation, _ started: Result<Void, any Error>, _ group: RunnableGroup,
        _ cases: [CaseSpec], _ cluster: Cluster, _ material: PKIMaterial
    ) -> [CaseResult] {
        let norm = normalizer(cluster, material)
        let values = Self.serverValues(cluster).merging(["files": material.directory]) { a, _ in a }
        var diffs: [String] = []
        var observed: ObservedSummary
        switch started {
        case .success:
            diffs.append("expected the server not to start; it started")
            observed = ObservedSummary(kind: .accepted, message: "server started")
        case .failure(let error):
            let lines = Self.logLines(of: error)
            observed = ObservedSummary(
                kind: .serverDidNotStart,
                message: norm(lines.first { $0.hasPrefix("FATAL") } ?? lines.last ?? "\(error)"),
                serverLog: lines.map(norm))
            let expectedLines: [MessageTemplate]
            switch expectation {
            case .model(let e), .modelChecked(let e, _):
                if case .serverFailsToStart(let log) = e.outcome { expectedLines = log } else { expectedLines = [] }
            case .pendingModel:
                expectedLines = []
                diffs.append("not predicted: the case says expect: model and was run without the run's versions")
            case .declared(let d):
                expectedLines = []
                if let p = d.message, !lines.contains(where: { OutcomeComparison.search(p, in: $0) }) {
                    diffs.append(
                        "expected a start-up line matching /\(p)/; observed:\n\(OutcomeComparison.indent(lines.joined(separator: "\n")))"
                    )
                }
                // A start failure has no client message: server_log is one more pattern over the same lines.
                if let p = d.serverLog, !lines.contains(where: { OutcomeComparison.search(p, in: $0) }) {
                    diffs.append(
                        "expected a server log line matching /\(p)/; observed:\n\(OutcomeComparison.indent(lines.joined(separator: "\n")))"
                    )
                }
            }
            for template in expectedLines {
                let filled = template.filling(values)
                if !lines.contains(where: { $0 == filled.text || filled.matches($0) }) {
                    diffs.append(
                        "expected start-up log line: \(filled.text)\nobserved:\n\(OutcomeComparison.indent(lines.joined(separator: "\n")))"
                    )
                }
            }
        }
        return cases.map {
            CaseResult(
                id: $0.id, group: group.id, verdict: diffs.isEmpty ? .agree : .disagree, differences: diffs,
                expected: Self.describe(expectation), rules: expectation.rules, observed: observed)
        }
    }

    /// Placeholder values the server's own messages need: its pg_hba.conf and key file.
    static func serverValues(_ cluster: Cluster) -> [String: String] {
        ["hba_file": cluster.dataDirectory + "/pg_hba.conf", "server_key": serverKeyPath(cluster)]
    }

    /// The key file the server is configured with (what its messages name).
    static func serverKeyPath(_ cluster: Cluster) -> String {
        if case .string(let path)? = cluster.settings["ssl_key_file"] { return path }
        return cluster.dataDirectory + "/server.key"
    }

    static func logLines(of error: any Error) -> [String] {
        switch error as? ClusterKitError {
        case .serverFailedToStart(_, let lines): return lines
        case .invalidHBA(let problems): return problems
        case .reloadRejected(let problems): return problems
        default: return ["\(error)"]
        }
    }

    // MARK: Helpers

    func errorResult(_ c: CaseSpec, _ group: RunnableGroup, _ text: String) -> CaseResult {
        CaseResult(
            id: c.id, group: group.id, verdict: .error, differences: [text],
            expected: Self.describe(c.expectation), rules: c.expectation.rules, observed: nil)
    }

    func runValues(
        _ p: ConnectionParameters, _ cluster: Cluster, _ material: PKIMaterial, _ probe: Probe
    ) -> OutcomeComparison.RunValues {
        OutcomeComparison.RunValues(
            values: [
                "port": String(cluster.port),
                "rootcert": p.path(of: "sslrootcert", p.sslrootcert, clientDirectory: probe.clientDirectory),
                "sslkey": p.path(of: "sslkey", p.sslkey, clientDirectory: probe.clientDirectory),
                "home": ConnectionParameters.libpqHomeDirectory ?? "~",
                // libpq names the socket file itself (emitHostIdentityInfo uses the peer address).
                "socket": "\(cluster.socketDirectory)/.s.PGSQL.\(cluster.port)",
            ].merging(Self.serverValues(cluster)) { a, _ in a }
                .merging(Self.serialValues(material)) { a, _ in a })
    }

    /// `serial:NAME` -> the decimal serial of the group's certificate NAME: what a 16+ server
    /// logs for a refused client certificate (`Predictor.serialPlaceholder`). The model names
    /// the certificate; only its serial, drawn from the run's clock, comes from the run.
    static func serialValues(_ material: PKIMaterial) -> [String: String] {
        Dictionary(uniqueKeysWithValues: material.certificates.values.map { ("serial:\($0.name)", $0.serialDecimal) })
    }

    /// Replaces what differs per run (ports, temp paths, pids, this group's certificate
    /// serials, which 16+ servers log) so reports and baselines compare: the one
    /// `MessageNormalizer`, keeping only the text.
    func normalizer(_ cluster: Cluster, _ material: PKIMaterial) -> @Sendable (String) -> String {
        let normalizer = MessageNormalizer(cluster: cluster, certificates: Array(material.certificates.values))
        return { normalizer.normalize($0).text }
    }

    static func summary(_ outcome: Outcome, normalizer: (String) -> String) -> ObservedSummary {
        let decisive = outcome.serverLog.filter {
            !$0.message.hasPrefix("connection received") && !$0.message.hasPrefix("connection authorized")
                && !$0.message.hasPrefix("connection authenticated")
        }.map { normalizer($0.description) }
        switch outcome.result {
        case .accepted(let s):
            return ObservedSummary(
                kind: .accepted, encrypted: s.client.encrypted, protocol: s.client.protocol,
                cipher: s.client.cipher, user: s.sessionUser, serverLog: decisive, attempts: outcome.sockets.count)
        case .rejected(let r):
            return ObservedSummary(
                kind: .rejected, message: normalizer(OutcomeComparison.trimmed(r.errorMessage)),
                serverLog: decisive, attempts: r.attempts.count)
        case .notAttempted(let reason):
            return ObservedSummary(kind: .notAttempted, message: reason)
        }
    }

    /// The group's side of a fresh cluster before it starts: its certificates and keys, then
    /// postgresql.conf (file settings pointing into them), pg_hba.conf and pg_ident.conf.
    static func writeServerFiles(_ group: RunnableGroup, to cluster: Cluster) throws -> PKIMaterial {
        let material = try PKI.materialize(
            group.pki, into: cluster.filesDirectory, serverAccount: cluster.workspace.account)
        try cluster.configure(resolve(group.settings, files: material.directory))
        try cluster.setHBA(group.hba)
        try cluster.setIdent(group.ident)
        return material
    }

    static func resolve(_ settings: ServerSettings, files: String) -> ServerSettings {
        var out = ServerSettings()
        for (name, value) in settings.entries {
            if case .string(let s) = value {
                out[name] = .string(s.replacingOccurrences(of: "{files}", with: files))
            } else {
                out[name] = value
            }
        }
        return out
    }

    static func describe(_ e: CaseExpectation) -> String {
        switch e {
        case .model(let m), .modelChecked(let m, _): return m.description
        case .pendingModel: return "model (not predicted)"
        case .declared(let d):
            switch d.kind {
            case .accepted: return "accepted" + (d.ssl.map { $0 ? " (ssl)" : " (no ssl)" } ?? "")
            case .rejected: return "rejected" + (d.message.map { " matching /\($0)/" } ?? "")
            case .serverFailsToStart: return "server fails to start" + (d.message.map { " matching /\($0)/" } ?? "")
            }
        }
    }
}

/// A cluster kept for the lane's next group (running, or stopped after a group whose server
/// was expected not to start), and the database state it is in (nil: not read, a reset
/// drops whatever is there).
struct KeptServer: Sendable {
    let cluster: Cluster
    var state: DatabaseState?
    /// The files its last group wrote, kept for a next group with the same PKI.
    var files: KeptFiles?
}

/// Clusters removed in the background while the lanes go on (a server that was expected not
/// to start, run beside a lane's server: nothing in it is needed once its group is compared).
/// `finish` waits for every removal: a run returns with nothing left.
actor Removals {
    private var pending: [Task<Void, Never>] = []

    func add(_ cluster: Cluster) {
        pending.append(Task { await cluster.destroy() })
    }

    func finish() async {
        for task in pending { await task.value }
        pending = []
    }
}

/// Runs async bodies one at a time.
actor SerialLock {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
        let value = await body()
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        return value
    }
}
