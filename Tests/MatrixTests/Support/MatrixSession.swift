import ClusterKit
import Foundation
import Scenarios

/// Runs the whole matrix once, as `sslmatrix matrix` does, and hands each parameterised
/// test case its result.
///
/// Swift Testing runs each scenario as its own test case; starting a cluster per case would
/// cost ~0.2 s x 11,000, and a cluster per group still starts hundreds of servers. The first
/// case to ask starts one `ScenarioRunner` run over every group, with server reuse (a lane
/// keeps its server while the next group differs only in what a reload switches, proved
/// per switch), 3 lanes so 2 cores are not drowned in servers; every case then reads its
/// result. Reuse on and off give identical results (`ServerReuseTests`).
actor MatrixSession {
    static let shared = MatrixSession()

    let installation: Installation?
    let setupError: String?
    private var wholeRun: Task<[String: CaseResult], Never>?

    init() {
        do {
            installation = try Installation.discover()
            setupError = nil
        } catch {
            installation = nil
            setupError = "\(error)"
        }
    }

    static let groups: [MatrixGroup] = MatrixDefinition.groups

    /// The groups realised (every case predicted) for this machine's server and this process's
    /// libpq, once: the run and the size check share them, as realising ~11,000 predictions
    /// takes seconds in a debug build. nil without a PostgreSQL to test against.
    static let realized: [RunnableGroup]? = (try? Installation.discover()).map { installation in
        groups.map { MatrixRealizer.realize($0, versions: .inProcess(server: installation)) }
    }

    func result(forID id: String) async -> CaseResult? {
        guard let installation else { return nil }
        let run: Task<[String: CaseResult], Never>
        if let wholeRun {
            run = wholeRun
        } else {
            run = Task { await MatrixSession.runAll(installation) }
            wholeRun = run
        }
        return await run.value[id]
    }

    private static func runAll(_ installation: Installation) async -> [String: CaseResult] {
        let runnable =
            realized ?? groups.map { MatrixRealizer.realize($0, versions: .inProcess(server: installation)) }
        let results = await ScenarioRunner(installation: installation, groupParallelism: 3, reuse: true).run(runnable)
        return Dictionary(results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
