import ClusterKit
import Foundation

extension ScenarioRunner {
    /// Runs `group` on the lane's kept cluster by restarting it: for a group that a reload
    /// cannot switch to (a setting that needs a restart, a passphrase command PostgreSQL runs
    /// only at start, a server expected not to start), the data directory, its roles and
    /// databases, and the warm files stay; only the server process is new. That is what a
    /// fresh server gives, minus copying a data directory, creating what the group shares
    /// with the previous one, and removing the old directory.
    ///
    /// Returns the results and the cluster to keep (stopped when the group expected the
    /// server not to start and it did not). Throws, before any case ran, when the restart
    /// went other than a fresh start would have to (the caller then uses a fresh server).
    func runRestarted(
        _ group: RunnableGroup, _ runnable: [CaseSpec], on server: KeptServer, tick: @escaping @Sendable (Int) -> Void
    ) async throws -> ([CaseResult], KeptServer?) {
        let cluster = server.cluster
        if cluster.isRunning { await GroupClock.phase("stop") { await cluster.stop() } }
        let (material, files) = try Self.rewriteServerFiles(group, on: cluster, keeping: server.files)
        let started = await Self.start(cluster)
        if let startExpectation = group.startExpectation {
            let results = compareStart(startExpectation, started, group, runnable, cluster, material)
            tick(runnable.count)
            // Stopped or running, the data directory is as the previous group left it.
            return (results, KeptServer(cluster: cluster, state: server.state, files: files))
        }
        if case .failure(let error) = started {
            throw ClusterKitError.serverFailedToStart(
                dataDirectory: cluster.dataDirectory, logLines: ["restarting for the next group: \(error)"])
        }
        let current = server.state
        let state = try await GroupClock.phase("setup") {
            try await ServerReset.resetAfterStart(group, on: cluster, current: current)
        }
        let (probed, died) = await probeMarkingDeath(runnable, group, cluster, material, tick: tick)
        if died {
            await GroupClock.phase("destroy") { await cluster.destroy() }
            return (probed, nil)
        }
        return (probed, KeptServer(cluster: cluster, state: state, files: files))
    }
}
