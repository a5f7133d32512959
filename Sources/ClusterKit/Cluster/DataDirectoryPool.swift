import Foundation

/// A few copies of each template, made ahead of time while earlier groups run.
///
/// Copying the template costs ~50 ms on tmpfs, a large share of a group's set-up once the
/// server itself starts in ~30 ms. The pool keeps `depth` finished copies per template in
/// the run directory; taking one is a rename() into the cluster's directory (same file
/// system, instant), after which a replacement is copied in the background. Copies left in
/// the pool go away with the run directory.
actor DataDirectoryPool {
    static let shared = DataDirectoryPool()

    /// Copies kept ready per template: one per lane of a run's default three, so that the
    /// lanes' first groups, which all start at once, take a copy instead of making one while
    /// the other lanes start their servers.
    static let depth = 3

    private var ready: [String: [String]] = [:]
    private var filling: [String: Int] = [:]
    private var serial = 0

    /// Puts a copy of `template` at `destination` (which must not exist yet).
    func take(template: String, into destination: String, workspace: Workspace) async throws {
        if var copies = ready[template], !copies.isEmpty {
            let copy = copies.removeFirst()
            ready[template] = copies
            if rename(copy, destination) == 0 {
                SecureFiles.remove((copy as NSString).deletingLastPathComponent)
                refill(template: template, workspace: workspace)
                return
            }
            SecureFiles.remove((copy as NSString).deletingLastPathComponent)
        }
        try await Command.check("/bin/cp", ["-a", template, destination])
        refill(template: template, workspace: workspace)
    }

    private func refill(template: String, workspace: Workspace) {
        let missing = DataDirectoryPool.depth - (ready[template]?.count ?? 0) - (filling[template] ?? 0)
        guard missing > 0 else { return }
        for _ in 0..<missing {
            serial += 1
            let dir = "\(workspace.runDirectory)/pool-\(serial)"
            filling[template, default: 0] += 1
            Task.detached(priority: .utility) {
                let copy = dir + "/data"
                var made = false
                do {
                    try SecureFiles.makeDirectory(dir, mode: 0o700, owner: workspace.account)
                    try await Command.check("/bin/cp", ["-a", template, copy])
                    made = true
                } catch {
                    SecureFiles.remove(dir)
                }
                await self.finished(template: template, copy: made ? copy : nil)
            }
        }
    }

    private func finished(template: String, copy: String?) {
        filling[template, default: 1] -= 1
        if let copy { ready[template, default: []].append(copy) }
    }
}
