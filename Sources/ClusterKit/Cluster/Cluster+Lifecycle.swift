import Foundation

extension Cluster {
    /// Starts the server and returns once it accepts connections.
    ///
    /// The server is spawned directly (`postgres -D`, readiness from postmaster.pid); when
    /// that cannot be done, or PGSSLMATRIX_START=pg_ctl asks for it, `pg_ctl start -w`.
    /// A port taken between reservation and bind (another program, not another run: runs
    /// hold locks) is retried on a new port when the port was chosen by the harness. A server
    /// that does not start throws with its log's FATAL lines; an invalid pg_hba.conf throws
    /// `invalidHBA` with the server's complaint.
    public func start(method: StartMethod = .direct) async throws {
        if isRunning { return }
        // Registered before pg_ctl runs: a signal during `pg_ctl start` must find this server.
        LiveServers.register(dataDirectory: dataDirectory, clusterDirectory: directory)
        for _ in 0..<5 {
            let mark = log.mark()
            let failureOutput: String
            if method == .direct, let direct = try await startDirectly() {
                if direct { return }
                failureOutput = ""
            } else {
                let result = try await Command.run(
                    installation.tool("pg_ctl"),
                    [
                        "start", "-w", "-t", "60", "-s", "-D", dataDirectory, "-l", log.path,
                    ], environment: serverEnvironment, as: workspace.account)
                if result.succeeded {
                    markRunning(true)
                    try verifyOwnership()
                    return
                }
                // pg_ctl may report failure while a postmaster lingers (e.g. timeout): never leak it.
                Postmaster.stopImmediately(dataDirectory: dataDirectory)
                failureOutput = result.combinedOutput
            }
            let lines = log.lines(since: mark)
            if lines.contains(where: { $0.message.contains("Address already in use") }) {
                if explicitPort { throw ClusterKitError.portInUse(port: port) }
                try takeNewPort()
                continue
            }
            let interesting = lines.map(\.description).filter { !Cluster.isRoutineStartupLine($0) }
            if lines.contains(where: { $0.message.contains("could not load pg_hba.conf") }) {
                throw ClusterKitError.invalidHBA(problems: interesting)
            }
            throw ClusterKitError.serverFailedToStart(
                dataDirectory: dataDirectory,
                logLines: interesting.isEmpty ? [failureOutput.isEmpty ? "(no output)" : failureOutput] : interesting)
        }
        throw ClusterKitError.noFreePort(attempts: 5)
    }

    /// How `start()` runs the server: spawned directly (the default), or through `pg_ctl
    /// start -w` (what scripts do; kept as the fallback and for comparison).
    public enum StartMethod: Sendable {
        case direct
        case pgCtl
    }

    /// The environment the server gets: nothing from the caller that PostgreSQL would read,
    /// plus the installation's own library path when it has one (`Installation.libraryPath`).
    var serverEnvironment: [String: String] { installation.environment }

    /// True when PGSSLMATRIX_START=pg_ctl asks for the pg_ctl path (for comparison).
    static let preferPgCtl = ProcessInfo.processInfo.environment["PGSSLMATRIX_START"] == "pg_ctl"

    /// Spawns `postgres -D` and waits for `ready`. nil: the direct path is unavailable (use
    /// pg_ctl); false: the server ended before it was ready (the log says why).
    private func startDirectly() async throws -> Bool? {
        if Cluster.preferPgCtl { return nil }
        let process: PostmasterProcess
        do {
            process = try PostmasterProcess.spawn(
                postgres: installation.tool("postgres"), dataDirectory: dataDirectory, logPath: log.path,
                account: workspace.account, environment: serverEnvironment)
        } catch {
            return nil
        }
        updateState { $0.process = process }
        LiveServers.register(dataDirectory: dataDirectory, clusterDirectory: directory)
        ProcessTable.addServer(pid: process.pid, dataDirectory: dataDirectory)
        do {
            try await process.waitUntilReady(dataDirectory: dataDirectory)
        } catch {
            process.stop(signal: SIGQUIT, grace: 5)
            updateState { $0.process = nil }
            LiveServers.unregister(dataDirectory: dataDirectory)
            return false
        }
        markRunning(true)
        do {
            try verifyOwnership(spawned: process.pid)
        } catch {
            await stop()
            throw error
        }
        return true
    }

    /// Fast shutdown (SIGINT to the postmaster we spawned, else `pg_ctl stop -m fast`), then
    /// immediate, then signals: a stop always ends the server.
    public func stop() async {
        await stop(immediate: false)
    }

    func stop(immediate: Bool) async {
        if let process = state(\.process) {
            _ = try? await BlockingWork.run { process.stop(signal: immediate ? SIGQUIT : SIGINT) }
            updateState { $0.process = nil }
            // Whatever still works in the directory (a backend of a killed postmaster), and
            // the shared memory a postmaster that had to be killed left.
            Postmaster.stopEverything(under: directory, dataDirectories: [dataDirectory])
            markRunning(false)
            return
        }
        guard isRunning || FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") else {
            markRunning(false)
            return
        }
        for mode in immediate ? ["immediate"] : ["fast", "immediate"] {
            let result = try? await Command.run(
                installation.tool("pg_ctl"),
                [
                    "stop", "-m", mode, "-w", "-t", "10", "-s", "-D", dataDirectory,
                ], environment: serverEnvironment, as: workspace.account)
            if result?.succeeded == true { break }
        }
        Postmaster.stopEverything(under: directory, dataDirectories: [dataDirectory])
        markRunning(false)
    }

    public func restart() async throws {
        await stop()
        try await start()
    }

    /// Stops the server and removes the cluster's directory.
    public func destroy() async {
        // The data is thrown away: an immediate shutdown is enough and ~10x quicker.
        await stop(immediate: true)
        SecureFiles.remove(directory)
    }

    /// Creates a cluster (from a template prepared with `prepared`, see `create`), hands it to
    /// `body`, and always destroys it, also when `body` throws.
    public static func with<T: Sendable>(
        installation: Installation? = nil, prepared: [String]? = nil,
        _ body: (Cluster) async throws -> T
    ) async throws -> T {
        let cluster = try await Cluster.create(installation: installation, prepared: prepared)
        do {
            let value = try await body(cluster)
            await cluster.destroy()
            return value
        } catch {
            await cluster.destroy()
            throw error
        }
    }

    // MARK: Internals

    func markRunning(_ running: Bool) {
        updateState { $0.running = running }
        if running {
            LiveServers.register(dataDirectory: dataDirectory, clusterDirectory: directory)
        } else {
            LiveServers.unregister(dataDirectory: dataDirectory)
        }
    }

    private func takeNewPort() throws {
        let reservation = try PortReservation.reserve(in: workspace)
        updateState { $0.reservation = reservation }
        try writeConfiguration()
    }

    /// The postmaster in our data dir must be the one holding our port, and a connection
    /// over our private socket must reach a server whose cluster_name is ours.
    ///
    /// A postmaster this process spawned itself (`spawned`) is proved without that
    /// connection (~5 ms and a backend per start): postmaster.pid names its pid, our port and
    /// `ready` (checked before this), and it made our private socket; no other program can
    /// have written a pid we forked into a directory only the server account can write.
    private func verifyOwnership(spawned: pid_t? = nil) throws {
        guard let pidFile = Postmaster.readPidFile(dataDirectory: dataDirectory), pidFile.port == port else {
            throw ClusterKitError.notOurServer(expected: "port \(port)", found: "postmaster.pid without it")
        }
        if let spawned {
            guard pidFile.pid == spawned else {
                throw ClusterKitError.notOurServer(expected: "postmaster pid \(spawned)", found: "pid \(pidFile.pid)")
            }
            let socket = "\(socketDirectory)/.s.PGSQL.\(port)"
            guard FileManager.default.fileExists(atPath: socket) else {
                throw ClusterKitError.notOurServer(expected: socket, found: "no socket")
            }
            return
        }
        let found = try adminConnection().execute("SHOW cluster_name").rows.first?.first ?? nil
        guard found == name else {
            throw ClusterKitError.notOurServer(expected: name, found: found ?? "(none)")
        }
    }

    static func isRoutineStartupLine(_ line: String) -> Bool {
        [
            "starting PostgreSQL", "listening on", "database system is ready", "database system was shut down",
            "database system is shut down", "aborting any active transactions", "shutting down",
            "background worker", "received fast shutdown", "received immediate shutdown",
        ].contains { line.contains($0) }
    }
}
