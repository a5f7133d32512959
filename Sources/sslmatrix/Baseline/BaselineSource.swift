import ClusterKit
import Foundation
import Scenarios

/// Something whose observed cases go into a baseline besides the built-in matrix.
/// Case ids must not collide with matrix ids, so each source prefixes its own.
protocol BaselineSource: Sendable {
    /// Recorded in the baseline header's `sources`.
    var name: String { get }
    func results(installation: Installation, options: MatrixRunOptions) async throws -> [CaseResult]
}

/// The built-in matrix, as a baseline source.
struct MatrixSource: BaselineSource {
    var name: String { "matrix" }
    func results(installation: Installation, options: MatrixRunOptions) async throws -> [CaseResult] {
        try await MatrixRun.run(installation: installation, options: options).results
    }
}

/// The scenario files shipped under Sources/Scenarios/examples (the DBA procedures), as a
/// baseline source: an upgrade that changes what they observe shows up in `baseline diff`.
/// Ids are `file:<file name>/<group>/<case id>` (case names may repeat across a file's groups). Found relative to the working directory (the
/// package root, where `make` runs); absent files mean no cases, said in the header.
struct ScenarioFileSource: BaselineSource {
    var directory = "Sources/Scenarios/examples"
    var name: String { "scenario-files:\(directory)" }

    var paths: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            .sorted().map { "\(directory)/\($0)" }
    }

    func results(installation: Installation, options: MatrixRunOptions) async throws -> [CaseResult] {
        var out: [CaseResult] = []
        let files = try paths.map { try ScenarioFile.load(path: $0) }
        // All files in one run, so servers are reused across files too; split back by file.
        let run = await ScenarioFileRun.run(
            files, installation: installation, groupParallelism: options.groups, reuse: !options.noReuse,
            probeParallelism: options.probes, quiet: true)
        for fileResults in run.files {
            let prefix = "file:\((fileResults.path as NSString).lastPathComponent)/"
            for r in fileResults.results {
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
