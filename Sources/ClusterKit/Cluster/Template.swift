import Foundation
import Synchronization

/// One initdb'ed data directory per installation, kept between runs (`TemplateCache`);
/// every cluster is a copy of it.
///
/// initdb costs ~0.7 s here; copying its result costs ~0.02 s on tmpfs. The template ends
/// its postgresql.conf with `include 'pg-ssl-matrix.conf'`, the harness-owned settings file.
actor TemplateStore {
    static let shared = TemplateStore()

    private var templates: [String: Task<String, any Error>] = [:]

    /// The template data dir for `installation`, made on first use. Concurrent callers share
    /// the same initdb run.
    func template(for installation: Installation, in workspace: Workspace) async throws -> String {
        try await shared(installation.bindir + "\u{0}" + (installation.libraryPath ?? "")) {
            if let cached = TemplateCache.lookUp(installation, workspace) { return cached }
            let made = try await TemplateStore.initdb(installation, workspace)
            return TemplateCache.store(made, installation, workspace)
        }
    }

    /// The template for `installation` with `statements` already run in it (the roles and
    /// databases a run's servers need, say): made once per run from the plain template with
    /// PostgreSQL's single-user mode (no server, no port), so a cluster copied from it is
    /// ready for those logins the moment it starts instead of after a connection, CREATE ROLE
    /// and CREATE DATABASE (~0.1 s each on 15, a large share of a group's set-up).
    func template(
        for installation: Installation, in workspace: Workspace, prepared statements: [String]
    ) async throws
        -> String
    {
        let key = ([installation.bindir, installation.libraryPath ?? ""] + statements).joined(separator: "\u{0}")
        if let existing = templates[key] { return try await existing.value }
        let base = try await template(for: installation, in: workspace)
        return try await shared(key) { try await TemplateStore.prepare(base, statements, installation, workspace) }
    }

    /// The one run of `make` for `key`: concurrent callers await the same task, and a failed
    /// run is forgotten so the next caller tries again.
    private func shared(_ key: String, _ make: @escaping @Sendable () async throws -> String) async throws -> String {
        if let existing = templates[key] { return try await existing.value }
        let task = Task { try await make() }
        templates[key] = task
        do {
            return try await task.value
        } catch {
            templates[key] = nil
            throw error
        }
    }

    static func prepare(
        _ base: String, _ statements: [String], _ installation: Installation, _ workspace: Workspace
    ) async throws -> String {
        let dir = try workspace.makeClusterDirectory(
            named: "template-\(installation.major)-prepared-\(UUID().uuidString.prefix(8))")
        let data = dir + "/data"
        try await Command.check("/bin/cp", ["-a", base, data])
        let result = try await Command.run(
            installation.tool("postgres"),
            [
                "--single", "-j", "-D", data, "-F", "-c", "exit_on_error=on", "-c", "log_min_messages=warning",
                "postgres",
            ],
            environment: installation.environment, as: workspace.account, input: singleUserInput(statements))
        let output = result.combinedOutput
        guard result.succeeded, !output.contains("ERROR:"), !output.contains("FATAL:") else {
            SecureFiles.remove(dir)
            throw ClusterKitError.sqlFailed(sql: "(preparing a template)", message: output)
        }
        return data
    }

    /// Single-user mode's input for `statements` under `-j`: each entry ends with a semicolon
    /// and an empty line, so one entry may hold several statements (run as one implicit
    /// transaction, like a simple query) and newlines inside literals survive, while CREATE
    /// DATABASE, which refuses a transaction block, gets an entry of its own.
    static func singleUserInput(_ statements: [String]) -> String {
        statements.map { statement -> String in
            let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
            return (trimmed.hasSuffix(";") ? trimmed : trimmed + ";") + "\n\n"
        }.joined()
    }

    /// initdb's postgresql.conf without its comment-only and blank lines: the same settings
    /// (what initdb chose for this machine: memory, locale, time zone), ~20 lines instead of
    /// ~800. Every reload parses the file in the postmaster and again in each auxiliary
    /// process, and `pg_file_settings` parses it once more; a reload measured 6.7 ms of CPU
    /// across the server's processes here, a tenth of it lexing those comments.
    static func compactConfiguration(_ text: String) -> String {
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            return !trimmed.isEmpty && !trimmed.hasPrefix("#")
        }
        return "# initdb's settings (its comment lines removed by pg-ssl-matrix)\n" + kept.joined(separator: "\n")
            + "\n"
    }

    static let adminUser = "postgres"
    static let includeFile = "pg-ssl-matrix.conf"

    /// initdb's options for every template (`--no-instructions` only from 14 on). Part of the
    /// cached templates' identity (`TemplateCache.format`): a change here makes new entries.
    static let initdbOptions = [
        "-U", adminUser, "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C",
        // 1 MB WAL segments instead of 16: every cluster is a copy of this directory, and
        // the one segment initdb leaves was 40% of what each copy and removal moved.
        "--wal-segsize=1", "--no-instructions",
    ]

    static func initdb(_ installation: Installation, _ workspace: Workspace) async throws -> String {
        let dir = try workspace.makeClusterDirectory(
            named: "template-\(installation.major)-\(UUID().uuidString.prefix(8))")
        let data = dir + "/data"
        try await Command.check(
            installation.tool("initdb"),
            ["-D", data] + initdbOptions.filter { !($0 == "--no-instructions" && installation.major < 14) },
            environment: installation.environment, as: workspace.account)
        let conf = data + "/postgresql.conf"
        let written = try String(contentsOfFile: conf, encoding: .utf8)
        try SecureFiles.write(
            compactConfiguration(written) + "\n# pg-ssl-matrix: everything the harness sets lives in this one file\n"
                + "include '\(includeFile)'\n", to: conf, mode: 0o600, owner: workspace.account)
        try SecureFiles.write("", to: data + "/" + includeFile, mode: 0o600, owner: workspace.account)
        return data
    }
}
