import ClusterKit
import Foundation

/// Which file ownerships this run can create. Only root can give a file to root: a run that
/// is not root cannot realise a `root-with-server-group` file. Such a file is dropped when
/// nothing of the group uses it (a shared `pki` section serves several groups) and the
/// group's cases are skipped, with the reason, when its server needs it; never a set-up
/// error for every group, never a false result.
enum OwnershipRealizability {
    static func adjust(_ group: RunnableGroup, runningAsRoot: Bool = geteuid() == 0) -> RunnableGroup {
        guard !runningAsRoot else { return group }
        let rootOwned = group.pki.files.filter { $0.owner == .rootWithServerGroup }.map(\.name)
        guard !rootOwned.isEmpty else { return group }
        let referenced = rootOwned.filter { name in
            group.settings.entries.contains { entry in
                if case .string(let value) = entry.value { return value.contains("{files}/\(name)") }
                return false
            }
        }
        var adjusted = group
        adjusted.pki.files.removeAll { $0.owner == .rootWithServerGroup && !referenced.contains($0.name) }
        if !referenced.isEmpty {
            let reason =
                "needs \(referenced.joined(separator: ", ")) owned by root; a run that is not root cannot create a root-owned file (run as root to check this case)"
            adjusted.cases = group.cases.map { c in
                var c = c
                if c.skipReason == nil { c.skipReason = reason }
                return c
            }
            adjusted.startExpectation = nil
        }
        return adjusted
    }
}
