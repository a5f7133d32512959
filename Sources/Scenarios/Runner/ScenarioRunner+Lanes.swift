import ClusterKit
import Foundation

extension ScenarioRunner {
    /// Runs `groups` in `groupParallelism` lanes. Each lane keeps its cluster for the next
    /// group it takes: switched by a reload when the two differ only in what a reload changes
    /// (same `ServerReuse.key`), restarted on the same data directory otherwise. A fresh
    /// cluster is made for a lane's first group, after a failed switch or restart, and for
    /// every group without reuse. Results come back in group order whatever order ran them.
    func runLanes(
        _ groups: [RunnableGroup], tick: @escaping @Sendable (Int) -> Void
    ) async -> ([[CaseResult]], ReuseStatistics) {
        var contexts: ParameterContexts? = nil
        if reuse {
            do {
                contexts = try await ParameterContexts.of(installation)
            } catch {
                note?("server reuse off: could not read pg_settings from \(installation): \(error)")
            }
        }
        let keys = groups.map { ServerReuse.key($0, contexts: contexts) }
        // Clusters are kept from group to group (switched, restarted, beside) only with the
        // parameter contexts read: without them there is no reuse at all.
        let reusing = contexts != nil
        let queue = GroupQueue(groups: groups, keys: keys, major: installation.major)
        var results: [[CaseResult]] = Array(repeating: [], count: groups.count)
        var statistics = ReuseStatistics()
        let lanes = max(1, min(groupParallelism, groups.count))
        let removals = Removals()
        await withTaskGroup(of: ([(Int, [CaseResult])], ReuseStatistics).self) { taskGroup in
            for _ in 0..<lanes {
                taskGroup.addTask {
                    await runLane(
                        groups, keys: keys, reusing: reusing, queue: queue, removals: removals, tick: tick)
                }
            }
            for await (laneResults, laneStatistics) in taskGroup {
                for (index, groupResults) in laneResults { results[index] = groupResults }
                statistics.add(laneStatistics)
            }
        }
        await removals.finish()
        return (results, statistics)
    }

    private func runLane(
        _ groups: [RunnableGroup], keys: [String?], reusing: Bool, queue: GroupQueue, removals: Removals,
        tick: @escaping @Sendable (Int) -> Void
    ) async -> ([(Int, [CaseResult])], ReuseStatistics) {
        var out: [(Int, [CaseResult])] = []
        var statistics = ReuseStatistics()
        // The lane's cluster, the reuse key of the configuration it runs (nil: none a reload
        // can switch from) and the group it ran last.
        var server: (kept: KeptServer, key: String?, group: Int)? = nil
        while let index = await queue.next(preferring: server?.key, after: server?.group) {
            let clock = GroupClock()
            let started = ContinuousClock.now
            var how = "fresh"
            defer {
                statistics.groupOverheadMilliseconds.append(clock.overhead(since: started))
                statistics.groupLabels.append("\(groups[index].id) (\(how))")
                statistics.groupPhases.append(clock.phases)
                statistics.phaseMilliseconds.merge(clock.phases, uniquingKeysWith: +)
            }
            let group = groups[index]
            let key = keys[index]
            let (skipped, runnable) = split(group)
            tick(skipped.count)
            if runnable.isEmpty {
                // Nothing this machine can run: no server is needed, and the lane's own (running
                // or stopped) is kept as it is for the next group.
                how = "nothing to run"
                out.append((index, labelled(group, skipped)))
                continue
            }
            var results: [CaseResult]? = nil
            if reusing, group.startExpectation != nil, server?.kept.cluster.isRunning == true {
                // A server expected not to start gets a data directory of its own (a pool copy,
                // removed after): stopping the lane's server for it, and starting that again
                // for the next group, would cost more than the copy, and the running server
                // stays switchable by reload.
                let (fresh, _) = await GroupClock.$current.withValue(clock) {
                    await runFresh(group, runnable, keep: false, removals: removals, tick: tick)
                }
                results = fresh
                how = "beside"
                statistics.startsBeside += 1
            } else if let current = server, reusing {
                // Switched by reload when the keys match and its server runs; restarted otherwise.
                let switching = key != nil && key == current.key && current.kept.cluster.isRunning
                do {
                    let (done, kept) = try await GroupClock.$current.withValue(clock) {
                        switching
                            ? try await runSwitched(group, runnable, on: current.kept, tick: tick)
                            : try await runRestarted(group, runnable, on: current.kept, tick: tick)
                    }
                    results = done
                    how = switching ? "switched" : "restarted"
                    server = kept.map { ($0, key, index) }
                    if switching { statistics.switches += 1 } else { statistics.restarts += 1 }
                } catch {
                    let what = switching ? "switching a running server" : "restarting the previous group's server"
                    await fallBack(
                        "group \(group.id): \(what) failed, using a fresh one: \(error)", current.kept, clock,
                        &statistics)
                    server = nil
                }
            } else if let current = server {
                await GroupClock.$current.withValue(clock) {
                    await GroupClock.phase("destroy") { await current.kept.cluster.destroy() }
                }
                server = nil
            }
            if results == nil {
                statistics.freshStarts += 1
                let (fresh, kept) = await GroupClock.$current.withValue(clock) {
                    await runFresh(group, runnable, keep: reusing, tick: tick)
                }
                results = fresh
                if let kept { server = (kept, key, index) }
            }
            out.append((index, labelled(group, skipped + (results ?? []))))
        }
        if let current = server {
            let stopping = ContinuousClock.now
            await current.kept.cluster.destroy()
            // The last server's stop belongs to the last group of this lane.
            let stop = GroupClock.milliseconds(ContinuousClock.now - stopping)
            statistics.phaseMilliseconds["destroy", default: 0] += stop
            if !statistics.groupOverheadMilliseconds.isEmpty {
                statistics.groupOverheadMilliseconds[statistics.groupOverheadMilliseconds.count - 1] += stop
                statistics.groupPhases[statistics.groupPhases.count - 1]["destroy", default: 0] += stop
            }
        }
        return (out, statistics)
    }

    /// A switch or restart that could not be made: said (never silent), and the cluster goes.
    private func fallBack(
        _ reason: String, _ kept: KeptServer, _ clock: GroupClock, _ statistics: inout ReuseStatistics
    ) async {
        statistics.fallbacks.append(reason)
        note?(reason)
        await GroupClock.$current.withValue(clock) {
            await GroupClock.phase("destroy") { await kept.cluster.destroy() }
        }
    }
}
