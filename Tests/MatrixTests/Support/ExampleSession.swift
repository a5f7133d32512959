import ClusterKit
import Foundation
import Scenarios

/// Every shipped example and PostgreSQL-suite file, run once per test process by one
/// `ScenarioRunner` with server reuse, as `sslmatrix run` runs several files: the example
/// test reads each file's results from it, and the reuse test compares it with a run
/// without reuse. Each made the same connections on servers of its own before.
actor ExampleSession {
    /// The files as written: each case's own expectation.
    static let shared = ExampleSession(expectModel: false)
    /// Each case's expectation replaced by the model's (its log, stderr and query checks
    /// kept), for the model-agreement test.
    static let model = ExampleSession(expectModel: true)

    let expectModel: Bool

    init(expectModel: Bool) {
        self.expectModel = expectModel
    }

    struct Run: Sendable {
        /// The files' groups, as loaded (`expect: model` cases are predicted by the runner for
        /// this server and this process's libpq).
        let groups: [RunnableGroup]
        let results: [CaseResult]
        let statistics: ReuseStatistics
        /// What the runner said (failed switches and their reasons).
        let notes: [String]
    }

    private var run: Task<Run, any Error>?

    func results() async throws -> Run {
        let task: Task<Run, any Error>
        if let run {
            task = run
        } else {
            task = Task { [expectModel] in try await Self.runAll(expectModel: expectModel) }
            run = task
        }
        return try await task.value
    }

    /// The results of `file`'s groups.
    func results(of file: ScenarioFile) async throws -> [CaseResult] {
        let groups = Set(file.groups.map(\.id))
        return try await results().results.filter { groups.contains($0.group) }
    }

    static var files: [String] { ScenarioFileExampleTests.exampleFiles + ScenarioFileExampleTests.suiteFiles }

    private static func runAll(expectModel: Bool) async throws -> Run {
        let groups = try files.flatMap {
            try ScenarioFile.load(
                path: ScenarioFileExampleTests.examplesDirectory + "/" + $0, expectModel: expectModel
            ).groups
        }
        let installation = try Installation.discover()
        let notes = NoteLog()
        let (results, statistics) = await ScenarioRunner(installation: installation, reuse: true, note: notes.add)
            .runCounting(groups)
        return Run(groups: groups, results: results, statistics: statistics, notes: notes.all)
    }
}
