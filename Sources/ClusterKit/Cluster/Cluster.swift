import Foundation
import Synchronization

/// A throwaway PostgreSQL cluster: a copy of the run's template, a private socket
/// directory, a loopback port, and the harness-owned configuration files.
///
/// The verbs follow PostgreSQL's own `PostgreSQL::Test::Cluster` (init/start/stop/restart/
/// reload/append_conf/log_contains) so a PostgreSQL hacker finds their way. Every cluster
/// is registered with `LiveServers` while it runs, so an interrupted process still stops
/// it; `destroy()` removes its directory.
public final class Cluster: Sendable {
    /// Also the server's `cluster_name`: how the harness recognises its own server.
    public let name: String
    public let installation: Installation
    public let workspace: Workspace
    public let directory: String
    public let dataDirectory: String
    public let socketDirectory: String
    /// Server-side TLS material lives here, owned by the server account.
    public let filesDirectory: String
    public let log: ServerLog
    public static var adminUser: String { TemplateStore.adminUser }

    struct State {
        var reservation: PortReservation
        var explicitPort: Bool
        var settings = ServerSettings()
        var hba = HBAFile([])
        var ident = IdentFile()
        var running = false
        /// Set while a postmaster spawned by `start()` (not pg_ctl) runs.
        var process: PostmasterProcess?
    }

    private let state: Mutex<State>

    func updateState(_ body: (inout State) -> Void) { state.withLock { body(&$0) } }
    func state<T: Sendable>(_ key: KeyPath<State, T>) -> T { state.withLock { $0[keyPath: key] } }
    var explicitPort: Bool { state.withLock { $0.explicitPort } }
    private static let counter = Atomic<Int>(0)

    public var port: Int { state.withLock { $0.reservation.port } }
    public var isRunning: Bool { state.withLock { $0.running } }
    public var settings: ServerSettings { state.withLock { $0.settings } }
    public var hba: HBAFile { state.withLock { $0.hba } }

    /// Copies the template into a new private directory. Nothing runs yet. With `prepared`,
    /// the copy comes from a template that already ran those statements (e.g. the roles and
    /// databases every server of a run needs; see `TemplateStore`), made once per run.
    public static func create(
        installation: Installation? = nil, port: Int? = nil, workspace: Workspace? = nil, prepared: [String]? = nil
    ) async throws -> Cluster {
        let installation = try installation ?? Installation.discover()
        let workspace = try workspace ?? Workspace.shared()
        let template =
            if let prepared {
                try await TemplateStore.shared.template(for: installation, in: workspace, prepared: prepared)
            } else {
                try await TemplateStore.shared.template(for: installation, in: workspace)
            }
        let serial = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let name = "sslm-\(getpid())-\(serial)"
        // The port first: a port that cannot be had must not cost a 40 MB copy.
        let reservation = try PortReservation.reserve(in: workspace, port: port)
        let dir = try workspace.makeClusterDirectory(named: "c\(serial)")
        do {
            try await DataDirectoryPool.shared.take(template: template, into: dir + "/data", workspace: workspace)
            let cluster = Cluster(
                name: name, installation: installation, workspace: workspace, directory: dir,
                reservation: reservation, explicitPort: port != nil)
            try SecureFiles.makeDirectory(cluster.socketDirectory, mode: 0o700, owner: workspace.account)
            try SecureFiles.makeDirectory(cluster.filesDirectory, mode: 0o700, owner: workspace.account)
            try cluster.writeConfiguration()
            return cluster
        } catch {
            SecureFiles.remove(dir)
            throw error
        }
    }

    private init(
        name: String, installation: Installation, workspace: Workspace, directory: String,
        reservation: PortReservation, explicitPort: Bool
    ) {
        self.name = name
        self.installation = installation
        self.workspace = workspace
        self.directory = directory
        self.dataDirectory = directory + "/data"
        self.socketDirectory = directory + "/sock"
        self.filesDirectory = directory + "/files"
        self.log = ServerLog(path: directory + "/server.log")
        self.state = Mutex(State(reservation: reservation, explicitPort: explicitPort))
    }

    // MARK: Configuration files

    /// Replaces the scenario's postgresql.conf settings (the harness's own stay).
    public func configure(_ settings: ServerSettings) throws {
        try settings.validate()
        state.withLock { $0.settings = settings }
        try writeConfiguration()
    }

    /// Adds or replaces settings, keeping the others.
    public func appendConf(_ settings: ServerSettings) throws {
        try configure(self.settings.merging(settings))
    }

    public func setHBA(_ rules: [HBARule]) throws {
        for rule in rules { try rule.validate() }
        state.withLock { $0.hba = HBAFile(rules) }
        try writeConfiguration()
    }

    public func setIdent(_ entries: [IdentMapEntry]) throws {
        for entry in entries { try entry.validate() }
        state.withLock { $0.ident = IdentFile(entries) }
        try writeConfiguration()
    }

    /// What the harness always sets: where to listen, how to log, and how to be fast.
    func harnessSettings(port: Int) -> ServerSettings {
        ServerSettings([
            ("listen_addresses", .string("127.0.0.1")),
            ("port", .int(port)),
            ("unix_socket_directories", .string(socketDirectory)),
            ("unix_socket_permissions", .raw("0700")),
            ("cluster_name", .string(name)),
            ("lc_messages", .string("C")),
            ("logging_collector", .bool(false)),
            ("log_line_prefix", .string("%m [%p] {%r} <%e> ")),
            ("log_connections", .bool(true)),
            ("max_connections", .int(60)),
            ("shared_buffers", .raw("16MB")),
            ("fsync", .bool(false)),
            ("synchronous_commit", .bool(false)),
            ("full_page_writes", .bool(false)),
            ("wal_level", .raw("minimal")),
            ("max_wal_senders", .int(0)),
            ("autovacuum", .bool(false)),
            // Dynamic shared memory in the data directory, not /dev/shm/PostgreSQL.*: a
            // server killed with -9 then leaves nothing that outlives its directory.
            ("dynamic_shared_memory_type", .raw("mmap")),
        ])
    }

    /// The exact text of the harness include file and pg_hba.conf for the current state.
    public var configurationText: (settings: String, hba: String, ident: String) {
        let snapshot = state.withLock { ($0.reservation.port, $0.settings, $0.hba, $0.ident) }
        let conf =
            "# Written by pg-ssl-matrix; rewritten whole on every change.\n"
            + harnessSettings(port: snapshot.0).text + "# scenario settings:\n" + snapshot.1.text
        return (conf, snapshot.2.text(adminUser: Cluster.adminUser), snapshot.3.text)
    }

    func writeConfiguration() throws {
        let text = configurationText
        let owner = workspace.account
        try SecureFiles.write(
            text.settings, to: "\(dataDirectory)/\(TemplateStore.includeFile)", mode: 0o600, owner: owner)
        try SecureFiles.write(text.hba, to: "\(dataDirectory)/pg_hba.conf", mode: 0o600, owner: owner)
        try SecureFiles.write(text.ident, to: "\(dataDirectory)/pg_ident.conf", mode: 0o600, owner: owner)
    }

    /// Writes a file the server reads (certificate, key, CRL) into `filesDirectory`,
    /// owned by the server account. Returns its absolute path.
    @discardableResult
    public func writeServerFile(_ name: String, _ contents: Data, mode: mode_t = 0o600) throws -> String {
        let path = "\(filesDirectory)/\(name)"
        try SecureFiles.write(contents, to: path, mode: mode, owner: workspace.account)
        return path
    }
}
