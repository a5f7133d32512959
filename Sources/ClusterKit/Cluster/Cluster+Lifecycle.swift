import Foundation

extension Cluster {
    /// Starts the server with `pg_ctl start -w` and returns once it accepts connections.
    ///
    /// A port taken between reservation and bind (another program, not another run: runs
    /// hold locks) is retried on a new port when the port was chosen by the harness. A server
    /// that does not start throws with its log's FATAL lines; an invalid pg_hba.conf throws
    /// `invalidHBA` with the server's complaint.
    public func start() async throws {
        if isRunning { return }
        // Registered before pg_ctl runs: a signal during `pg_ctl start` must find this server.
        LiveServers.register(dataDirectory: dataDirectory, clusterDirectory: directory)
        for _ in 0..<5 {
            let mark = log.mark()
            let result = try await Command.run(
                installation.tool("pg_ctl"),
                [
                    "start", "-w", "-t", "60", "-s", "-D", dataDirectory, "-l", log.path,
                ], as: workspace.account)
            if result.succeeded {
                markRunning(true)
                try verifyOwnership()
                return
            }
            // pg_ctl may report failure while a postmaster lingers (e.g. timeout): never leak it.
            Postmaster.stopImmediately(dataDirectory: dataDirectory)
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
                logLines: interesting.isEmpty ? [result.combinedOutput] : interesting)
        }
        throw ClusterKitError.noFreePort(attempts: 5)
    }

    /// `pg_ctl stop -m fast`, then immediate, then signals: a stop always ends the server.
    public func stop() async {
        guard isRunning || FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") else {
            markRunning(false)
            return
        }
        for mode in ["fast", "immediate"] {
            let result = try? await Command.run(
                installation.tool("pg_ctl"),
                [
                    "stop", "-m", mode, "-w", "-t", "10", "-s", "-D", dataDirectory,
                ], as: workspace.account)
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
        await stop()
        SecureFiles.remove(directory)
    }

    /// Creates a cluster, hands it to `body`, and always destroys it, also when `body` throws.
    public static func with<T: Sendable>(
        installation: Installation? = nil,
        _ body: (Cluster) async throws -> T
    ) async throws -> T {
        let cluster = try await Cluster.create(installation: installation)
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
    private func verifyOwnership() throws {
        guard let pidFile = Postmaster.readPidFile(dataDirectory: dataDirectory), pidFile.port == port else {
            throw ClusterKitError.notOurServer(expected: "port \(port)", found: "postmaster.pid without it")
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
