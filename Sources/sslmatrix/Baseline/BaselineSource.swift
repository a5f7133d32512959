import ClusterKit
import Foundation
import Scenarios

/// Something whose observed cases go into a baseline besides the built-in matrix.
/// Case ids must not collide with matrix ids, so each source prefixes its own.
protocol BaselineSource: Sendable {
    /// Recorded in the baseline header's `sources`.
    var name: String { get }
    /// Every case runs on `installation`, connecting through `client` (the libpq chosen with
    /// `--client`: in-process or a client worker).
    func results(
        installation: Installation, client: ProbeClient, options: MatrixRunOptions
    ) async throws
        -> [CaseResult]
}

/// The built-in matrix, as a baseline source.
struct MatrixSource: BaselineSource {
    var name: String { "matrix" }
    func results(
        installation: Installation, client: ProbeClient, options: MatrixRunOptions
    ) async throws
        -> [CaseResult]
    {
        try await MatrixRun.run(installation: installation, client: client, options: options).results
    }
}

/// The scenario files shipped under Sources/Scenarios/examples (the DBA procedures), as a
/// baseline source: an upgrade that changes what they observe shows up in `baseline diff`.
/// Ids are `file:<file name>/<group>/<case id>` (case names may repeat across a file's groups). Found relative to the working directory (the
/// package root, where `make` runs); absent files mean no cases, said in the header.
struct ScenarioFileSource: BaselineSource {
    var directory = "Sources/Scenarios/examples"
    /// The versions the recording really runs (the OpenSSL each side maps included): a file's
    /// `expect: model` cases are predicted for them, as `sslmatrix run` does. nil: the runner
    /// predicts them for the server's major and the client (server OpenSSL assumed).
    var modelVersions: Versions? = nil
    var name: String { "scenario-files:\(directory)" }

    var paths: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            .sorted().map { "\(directory)/\($0)" }
    }

    func results(
        installation: Installation, client: ProbeClient, options: MatrixRunOptions
    ) async throws
        -> [CaseResult]
    {
        var out: [CaseResult] = []
        // Filter before running: a filtered record must not start every example's cluster.
        var perFile: [(prefix: String, groups: [RunnableGroup])] = []
        for path in paths {
            let loaded = try ScenarioFile.load(path: path)
            let file = modelVersions.map { loaded.predicted(versions: $0) } ?? loaded
            let prefix = "file:\((path as NSString).lastPathComponent)/"
            let groups = file.groups.compactMap { group -> RunnableGroup? in
                guard let filter = options.filter, !(prefix + group.id).contains(filter) else { return group }
                var kept = group
                kept.cases = group.cases.filter { (prefix + group.id + "/" + $0.id).contains(filter) }
                return kept.cases.isEmpty ? nil : kept
            }
            perFile.append((prefix, groups))
        }
        // A shard takes its part of all the files' groups together (split as for the matrix).
        if let shard = options.shard {
            let counts = perFile.flatMap { $0.groups.map(\.cases.count) }
            let assigned = Shard.assignment(caseCounts: counts, shards: shard.count)
            var position = 0
            for i in perFile.indices {
                perFile[i].groups = perFile[i].groups.filter { _ in
                    defer { position += 1 }
                    return assigned[position] == shard.index - 1
                }
            }
        }
        for (prefix, groups) in perFile {
            if groups.isEmpty { continue }
            var runner = ScenarioRunner(
                installation: installation, groupParallelism: options.groups,
                probeParallelism: options.probes, reuse: !options.noReuse)
            runner.client = client
            let results = await runner.run(groups)
            for r in results {
                var prefixed = CaseResult(
                    id: prefix + r.group + "/" + r.id, group: prefix + r.group, verdict: r.verdict,
                    differences: r.differences, expected: r.expected, rules: r.rules, observed: r.observed)
                prefixed.labels = r.labels
                if let filter = options.filter, !prefixed.id.contains(filter), !prefixed.group.contains(filter) {
                    continue
                }
                out.append(prefixed)
            }
        }
        return out
    }
}
