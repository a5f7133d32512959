import ClusterKit
import Foundation
import Synchronization

/// Runs groups on real clusters: one cluster per group, probes in parallel within a group,
/// a few groups at once. Every cluster is destroyed when its group ends, whatever happened.
public struct ScenarioRunner: Sendable {
    public var installation: Installation
    public var groupParallelism: Int
    public var probeParallelism: Int
    /// Called after every case (done, total); used for the live progress line.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(
        installation: Installation, groupParallelism: Int = 3, probeParallelism: Int = 8,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.installation = installation
        self.groupParallelism = groupParallelism
        self.probeParallelism = probeParallelism
        self.progress = progress
    }

    public func run(_ groups: [RunnableGroup]) async -> [CaseResult] {
        let total = groups.reduce(0) { $0 + $1.cases.count }
        let done = Atomic<Int>(0)
        let tick: @Sendable (Int) -> Void = { n in
            let now = done.add(n, ordering: .relaxed).newValue
            progress?(now, total)
        }
        var results: [[CaseResult]] = Array(repeating: [], count: groups.count)
        await withTaskGroup(of: (Int, [CaseResult]).self) { taskGroup in
            var next = 0
            func launch() {
                guard next < groups.count else { return }
                let index = next
                next += 1
                taskGroup.addTask { (index, await runGroup(groups[index], tick: tick)) }
            }
            for _ in 0..<max(1, groupParallelism) { launch() }
            for await (index, groupResults) in taskGroup {
                results[index] = groupResults
                launch()
            }
        }
        return results.flatMap { $0 }
    }

    /// One group on its own cluster.
    public func runGroup(
        _ group: RunnableGroup, tick: @escaping @Sendable (Int) -> Void = { _ in }
    ) async -> [CaseResult] {
        let labels = Dictionary(group.cases.map { ($0.id, $0.labels) }, uniquingKeysWith: { a, _ in a })
        return await runGroupUnlabelled(group, tick: tick).map { r in
            var r = r
            r.labels = labels[r.id] ?? [:]
            return r
        }
    }

    private func runGroupUnlabelled(
        _ group: RunnableGroup, tick: @escaping @Sendable (Int) -> Void
    ) async -> [CaseResult] {
        let group = OwnershipRealizability.adjust(group)
        let runnable = group.cases.filter { $0.skipReason == nil }
        var results = group.cases.compactMap { c -> CaseResult? in
            guard let reason = c.skipReason else { return nil }
            return CaseResult(
                id: c.id, group: group.id, verdict: .skipped, differences: [reason],
                expected: Self.describe(c.expectation), rules: c.expectation.rules, observed: nil)
        }
        tick(results.count)
        if runnable.isEmpty { return results }
        let cluster: Cluster
        do {
            cluster = try await Cluster.create(installation: installation)
        } catch {
            tick(runnable.count)
            return results + runnable.map { errorResult($0, group, "could not create a cluster: \(error)") }
        }
        do {
            let material = try PKI.materialize(
                group.pki, into: cluster.filesDirectory, serverAccount: cluster.workspace.account)
            try cluster.configure(Self.resolve(group.settings, files: material.directory))
            try cluster.setHBA(group.hba)
            try cluster.setIdent(group.ident)
            let started: Result<Void, any Error>
            do {
                try await cluster.start()
                started = .success(())
            } catch {
                started = .failure(error)
            }
            if let startExpectation = group.startExpectation {
                results += compareStart(startExpectation, started, group, runnable, cluster, material)
                tick(runnable.count)
                await cluster.destroy()
                return results
            }
            if case .failure(let error) = started {
                tick(runnable.count)
                await cluster.destroy()
                return results + runnable.map { errorResult($0, group, "the server did not start: \(error)") }
            }
            try await Self.createRolesAndExtensions(group, on: cluster)
            let mark = cluster.log.mark()
            results += ServerDeath.mark(
                await probeAll(runnable, group, cluster, material, tick: tick), cluster, since: mark)
        } catch {
            let finished = Set(results.map(\.id))
            let missing = runnable.filter { !finished.contains($0.id) }
            tick(missing.count)
            results += missing.map { errorResult($0, group, "set-up failed: \(error)") }
        }
        await cluster.destroy()
        return results
    }

    private func probeAll(
        _ cases: [CaseSpec], _ group: RunnableGroup, _ cluster: Cluster, _ material: PKIMaterial,
        tick: @escaping @Sendable (Int) -> Void
    ) async -> [CaseResult] {
        let probe = Probe(cluster: cluster)
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
                        ? await socketLock.run { await runCase(c, serial: serial, group, cluster, material, probe) }
                        : await runCase(c, serial: serial, group, cluster, material, probe)
                    tick(1)
                    return r
                }
            }
            for _ in 0..<max(1, probeParallelism) { launch() }
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
        _ material: PKIMaterial, _ probe: Probe
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
        let run = runValues(parameters, cluster, material, probe)
        let diffs = OutcomeComparison.compare(c.expectation, outcome, run)
        return CaseResult(
            id: c.id, group: group.id, verdict: diffs.isEmpty ? .agree : .disagree, differences: diffs,
            expected: Self.describe(c.expectation), rules: c.expectation.rules,
            observed: Self.summary(outcome, normalizer: normalizer(cluster, material)))
    }

    // MARK: Start-up expectations

    private func compareStart(
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
            case .model(let e):
                if case .serverFailsToStart(let log) = e.outcome { expectedLines = log } else { expectedLines = [] }
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

    /// One statement per role, so a failure names that role only and never shows another
    /// role's password (the error carries the redacted statement).
    static func createRolesAndExtensions(_ group: RunnableGroup, on cluster: Cluster) async throws {
        for role in group.roles {
            do {
                try await cluster.query(try role.sql())
            } catch let ClusterKitError.sqlFailed(_, message) {
                throw ClusterKitError.sqlFailed(sql: role.redactedSQL, message: message)
            }
        }
        for name in group.extensions {
            try await cluster.query(
                "CREATE EXTENSION IF NOT EXISTS \(try SQLQuoting.identifier(name, what: "extension name"));")
        }
    }

    private func errorResult(_ c: CaseSpec, _ group: RunnableGroup, _ text: String) -> CaseResult {
        CaseResult(
            id: c.id, group: group.id, verdict: .error, differences: [text],
            expected: Self.describe(c.expectation), rules: c.expectation.rules, observed: nil)
    }

    private func runValues(
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
            ].merging(Self.serverValues(cluster)) { a, _ in a })
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
        case .model(let m): return m.description
        case .declared(let d):
            switch d.kind {
            case .accepted: return "accepted" + (d.ssl.map { $0 ? " (ssl)" : " (no ssl)" } ?? "")
            case .rejected: return "rejected" + (d.message.map { " matching /\($0)/" } ?? "")
            case .serverFailsToStart: return "server fails to start" + (d.message.map { " matching /\($0)/" } ?? "")
            }
        }
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
