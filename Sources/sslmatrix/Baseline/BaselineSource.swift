import ClusterKit
import Foundation
import Scenarios

/// Something whose observed cases go into a baseline besides the built-in matrix.
///
/// The hook for scenario files (`sslmatrix run FILE...`, being written on another branch):
/// when it lands, add a source that runs the files and returns their `CaseResult`s, e.g.
///
///     struct ScenarioFileSource: BaselineSource {
///         var paths: [String]
///         var name: String { "scenario-files" }
///         func results(installation: Installation, options: MatrixRunOptions) async throws -> [CaseResult] {
///             // load every file (ScenarioFile), realise its groups, ScenarioRunner(...).run(groups)
///         }
///     }
///
/// and give `baseline record`/`baseline diff` a `--scenarios FILE...` option that appends it
/// to `BaselineCommand.sources(...)`. Case ids must not collide with matrix ids: prefix them
/// with the file name ("file:<name>/<case id>"). Nothing else in the baseline code changes:
/// a source's cases are recorded, restricted by `--filter` and diffed like matrix cases.
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
