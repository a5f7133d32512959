import ClusterKit
import Foundation

/// A server that dies during a group is the harness's problem, not a finding: its cases
/// could not run. They become errors ("could not run"), never disagreements, the death is
/// told once (on the group's first case, with the server's last log lines), and baselines
/// refuse to record such a run.
public enum ServerDeath {
    /// How such a result's first difference starts, so reports and baselines recognise it.
    public static let prefix = "server-died: "

    public static func isServerDeath(_ result: CaseResult) -> Bool {
        result.verdict == .error && result.differences.first?.hasPrefix(prefix) == true
    }

    /// Turns the group's results into "could not run" when its server died meanwhile.
    static func mark(_ results: [CaseResult], _ cluster: Cluster, since mark: ServerLog.Mark) -> [CaseResult] {
        guard let report = cluster.deathReport(since: mark) else { return results }
        var told = false
        return results.map { result in
            guard result.verdict != .skipped else { return result }
            let text = prefix + (told ? "the server of group \(result.group) died (reported once, above)" : report)
            told = true
            var r = CaseResult(
                id: result.id, group: result.group, verdict: .error, differences: [text], expected: result.expected,
                rules: result.rules, observed: nil)
            r.labels = result.labels
            return r
        }
    }
}
