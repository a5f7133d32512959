import ClusterKit
import Foundation
import Scenarios

/// Shares one cluster per server-side group among the parameterised test cases.
///
/// Swift Testing runs each scenario as its own test case; starting a cluster per case would
/// cost ~0.2 s x 11,000. The first case of a group runs the whole group (one cluster, its
/// probes in parallel) and every other case of the group reads its result. At most
/// `maxGroups` groups run at once so 2 cores are not drowned in servers.
actor MatrixSession {
    static let shared = MatrixSession()

    let installation: Installation?
    let setupError: String?
    private var groupRuns: [String: Task<[String: CaseResult], Never>] = [:]
    private var running = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private let maxGroups = 3

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
    static let groupOfScenario: [String: Int] = {
        var map: [String: Int] = [:]
        for (i, g) in groups.enumerated() { for s in g.scenarios { map[s.id] = i } }
        return map
    }()

    func result(for scenario: Scenario) async -> CaseResult? {
        guard let index = MatrixSession.groupOfScenario[scenario.id], let installation else { return nil }
        let group = MatrixSession.groups[index]
        let task: Task<[String: CaseResult], Never>
        if let existing = groupRuns[group.id] {
            task = existing
        } else {
            task = Task { await self.runThrottled(group, installation) }
            groupRuns[group.id] = task
        }
        return await task.value[scenario.id]
    }

    private func runThrottled(_ group: MatrixGroup, _ installation: Installation) async -> [String: CaseResult] {
        await acquire()
        let runnable = MatrixRealizer.realize(group, versions: .inProcess(server: installation))
        let results = await ScenarioRunner(installation: installation).runGroup(runnable)
        release()
        return Dictionary(results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private func acquire() async {
        if running < maxGroups {
            running += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            running -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
