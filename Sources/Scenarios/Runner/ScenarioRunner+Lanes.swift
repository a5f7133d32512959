import ClusterKit
import Foundation

extension ScenarioRunner {
    /// Runs `groups` in `groupParallelism` lanes. Each lane keeps its server while the next
    /// group it takes can be switched to by a reload (same `ServerReuse.key`), and starts a
    /// fresh one otherwise. Results come back in group order whatever order ran them.
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
        let queue = GroupQueue(groups: groups, keys: keys, major: installation.major)
        var results: [[CaseResult]] = Array(repeating: [], count: groups.count)
        var statistics = ReuseStatistics()
        let lanes = max(1, min(groupParallelism, groups.count))
        await withTaskGroup(of: ([(Int, [CaseResult])], ReuseStatistics).self) { taskGroup in
            for _ in 0..<lanes {
                taskGroup.addTask { await runLane(groups, keys: keys, queue: queue, tick: tick) }
            }
            for await (laneResults, laneStatistics) in taskGroup {
                for (index, groupResults) in laneResults { results[index] = groupResults }
                statistics.add(laneStatistics)
            }
        }
        return (results, statistics)
    }

    private func runLane(
        _ groups: [RunnableGroup], keys: [String?], queue: GroupQueue, tick: @escaping @Sendable (Int) -> Void
    ) async -> ([(Int, [CaseResult])], ReuseStatistics) {
        var out: [(Int, [CaseResult])] = []
        var statistics = ReuseStatistics()
        var server: (kept: KeptServer, key: String, group: Int)? = nil
        while let index = await queue.next(preferring: server?.key, after: server?.group) {
            let clock = GroupClock()
            let started = ContinuousClock.now
            var how = "fresh"
            defer {
                statistics.groupOverheadMilliseconds.append(clock.overhead(since: started))
                statistics.groupLabels.append("\(groups[index].id) (\(how))")
                statistics.phaseMilliseconds.merge(clock.phases, uniquingKeysWith: +)
            }
            let group = groups[index]
            let key = keys[index]
            let (skipped, runnable) = split(group)
            tick(skipped.count)
            var results: [CaseResult]? = nil
            if let current = server, let key, key == current.key {
                do {
                    let (switched, state, files) = try await GroupClock.$current.withValue(clock) {
                        try await runSwitched(group, runnable, on: current.kept, tick: tick)
                    }
                    results = switched
                    how = "switched"
                    server?.kept.state = state
                    server?.kept.files = files
                    server?.group = index
                    statistics.switches += 1
                } catch {
                    let reason = "group \(group.id): switching a running server failed, using a fresh one: \(error)"
                    statistics.fallbacks.append(reason)
                    note?(reason)
                    await GroupClock.$current.withValue(clock) {
                        await GroupClock.phase("destroy") { await current.kept.cluster.destroy() }
                    }
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
                    await runFresh(group, runnable, keep: key != nil, tick: tick)
                }
                results = fresh
                if let kept, let key { server = (kept, key, index) }
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
            }
        }
        return (out, statistics)
    }
}
