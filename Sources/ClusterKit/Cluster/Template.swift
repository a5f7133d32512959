import Foundation
import Synchronization

/// One initdb'ed data directory per installation per run; every cluster is a copy of it.
///
/// initdb costs ~0.9 s here; copying its result costs ~0.06 s on tmpfs. The template ends
/// its postgresql.conf with `include 'pg-ssl-matrix.conf'`, the harness-owned settings file.
actor TemplateStore {
    static let shared = TemplateStore()

    private var templates: [String: Task<String, any Error>] = [:]

    /// The template data dir for `installation`, made on first use. Concurrent callers share
    /// the same initdb run.
    func template(for installation: Installation, in workspace: Workspace) async throws -> String {
        let key = installation.bindir + "\u{0}" + (installation.libraryPath ?? "")
        if let existing = templates[key] { return try await existing.value }
        let task = Task { try await TemplateStore.initdb(installation, workspace) }
        templates[key] = task
        do {
            return try await task.value
        } catch {
            templates[key] = nil
            throw error
        }
    }

    static let adminUser = "postgres"
    static let includeFile = "pg-ssl-matrix.conf"

    static func initdb(_ installation: Installation, _ workspace: Workspace) async throws -> String {
        let dir = try workspace.makeClusterDirectory(
            named: "template-\(installation.major)-\(UUID().uuidString.prefix(8))")
        let data = dir + "/data"
        try await Command.check(
            installation.tool("initdb"),
            [
                "-D", data, "-U", adminUser, "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C",
                "--no-instructions",
            ].filter { !($0 == "--no-instructions" && installation.major < 14) }, environment: installation.environment,
            as: workspace.account)
        let conf = data + "/postgresql.conf"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: conf))
        try handle.seekToEnd()
        try handle.write(
            contentsOf: Data(
                "\n# pg-ssl-matrix: everything the harness sets lives in this one file\ninclude '\(includeFile)'\n".utf8
            ))
        try handle.close()
        try SecureFiles.write("", to: data + "/" + includeFile, mode: 0o600, owner: workspace.account)
        return data
    }
}
