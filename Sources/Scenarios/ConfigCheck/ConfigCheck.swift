import ClusterKit
import Foundation

/// `check-config`: reproduce a real server's TLS and pg_hba setup on throwaway clusters
/// (one per client address its lines distinguish), connect with every sslmode, with and
/// without the client's root file and certificate, and report what each hba line gives
/// and what a DBA should act on. The real server and its files are only read.
public struct ConfigCheck: Sendable {
    public var reproduction: ConfigReproduction
    public var installation: Installation
    public var rootCertificate: String?
    public var clientCertificate: String?
    public var clientKey: String?
    /// The name verify-full checks (the real server's name).
    public var hostName: String
    public var warnDays: Int

    public static let password = "check-config-password"
    public static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    public init(
        reproduction: ConfigReproduction, installation: Installation, rootCertificate: String?,
        clientCertificate: String?, clientKey: String?, hostName: String, warnDays: Int
    ) {
        self.reproduction = reproduction
        self.installation = installation
        self.rootCertificate = rootCertificate
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.hostName = hostName
        self.warnDays = warnDays
    }

    /// Runs every case; clusters are always removed, also on failure.
    public func run() async throws -> [ConfigCheckCase] {
        var all: [ConfigCheckCase] = []
        for group in reproduction.groups {
            all += try await run(group)
        }
        return all
    }

    /// (database, role) a line is tested with: keywords mapped to names the cluster creates.
    static func identity(_ line: HBAFileLine) -> (database: String, user: String, group: String?) {
        var user = line.users.first ?? "all"
        var group: String? = nil
        if user == "all" { user = "check_user" }
        if user.hasPrefix("+") {
            group = String(user.dropFirst())
            user = "\(group!)_member"
        }
        var database = line.databases.first ?? "all"
        if database == "all" { database = "postgres" }
        if database == "sameuser" || database == "samerole" { database = user }
        return (database, user, group)
    }

    func run(_ group: ConfigReproduction.AddressGroup) async throws -> [ConfigCheckCase] {
        let cluster = try await Cluster.create(installation: installation)
        do {
            try configure(cluster, group)
            try await cluster.start()
            try await createRoles(cluster, group)
            let probe = Probe(cluster: cluster)
            var cases: [ConfigCheckCase] = []
            let roots: [String?] = rootCertificate == nil ? [nil] : [nil, rootCertificate]
            let certs: [Bool] = clientCertificate == nil ? [false] : [false, true]
            for line in group.tested {
                let (database, user, _) = Self.identity(line)
                for mode in Self.sslModes {
                    for root in roots {
                        for cert in certs {
                            let p = ConnectionParameters(
                                host: hostName, hostaddr: "127.0.0.1", port: cluster.port, dbname: database,
                                user: user, password: Self.password, sslmode: mode,
                                sslrootcert: root.map { .path($0) } ?? .none,
                                sslcert: cert ? .path(clientCertificate!) : .none,
                                sslkey: cert ? clientKey.map { .path($0) } ?? .none : .none)
                            let outcome = await probe.connect(p)
                            var c = Self.record(
                                outcome, line: line, address: group.address, database: database, user: user,
                                sslmode: mode, root: root != nil, cert: cert)
                            c.message = c.message?.replacingOccurrences(
                                of: "\(probe.clientDirectory)/none/sslrootcert", with: "<none given>")
                            if c.result != .rejected,
                                let matched = Self.firstMatch(
                                    group.lines, encrypted: c.result == .encrypted, line: line)
                            {
                                c.matchedLine = matched.number
                                c.matchedLineText = matched.text
                            }
                            cases.append(c)
                        }
                    }
                }
            }
            await cluster.destroy()
            return cases
        } catch {
            await cluster.destroy()
            throw error
        }
    }

    /// hba.c check_hba for a TCP connection of `line`'s identity: the first host line whose
    /// type fits the encryption and whose database and user lists name it.
    static func firstMatch(_ lines: [HBAFileLine], encrypted: Bool, line: HBAFileLine) -> HBAFileLine? {
        let (database, user, group) = identity(line)
        return lines.first { l in
            guard !l.isLocal, l.type != "hostgssenc" else { return false }
            if l.type == "hostssl" && !encrypted { return false }
            if l.type == "hostnossl" && encrypted { return false }
            let dbOK = l.databases.contains {
                $0 == "all" || $0 == database || ($0 == "sameuser" && database == user)
                    || ($0 == "samerole" && database == user)
            }
            let userOK = l.users.contains { $0 == "all" || $0 == user || (group != nil && $0 == "+\(group!)") }
            return dbOK && userOK
        }
    }

    static func record(
        _ outcome: Outcome, line: HBAFileLine, address: String, database: String, user: String, sslmode: String,
        root: Bool, cert: Bool
    ) -> ConfigCheckCase {
        var c = ConfigCheckCase(
            line: line.number, lineText: line.text, address: address, database: database, user: user,
            sslmode: sslmode, withRootCertificate: root, withClientCertificate: cert, result: .rejected)
        if let session = outcome.session {
            c.result = session.client.encrypted ? .encrypted : .plaintext
            c.protocol = session.client.protocol
        } else {
            let text = outcome.rejection?.errorMessage ?? "\(outcome.result)"
            let pattern = #"connection to server at "[^"]*"( \([^)]*\))?, port [0-9]+ failed: "#
            c.message = text.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .joined(separator: " / ")
        }
        return c
    }

    func configure(_ cluster: Cluster, _ group: ConfigReproduction.AddressGroup) throws {
        var settings = ServerSettings()
        for name in ConfigReproduction.tlsSettings {
            guard let value = reproduction.settings[name] else { continue }
            settings[name] = .raw(value)
        }
        for file in reproduction.files {
            if file.isDirectory {
                let dir = "\(cluster.filesDirectory)/\(file.name)"
                try SecureFiles.makeDirectory(dir, mode: 0o700, owner: cluster.workspace.account)
                for (entry, data) in file.entries {
                    try cluster.writeServerFile("\(file.name)/\(entry)", data, mode: 0o644)
                }
                settings[file.setting] = .string(dir)
            } else {
                let path = try cluster.writeServerFile(
                    file.name, file.contents, mode: file.setting == "ssl_key_file" ? 0o600 : 0o644)
                settings[file.setting] = .string(path)
            }
        }
        try cluster.configure(settings)
        try cluster.setHBA(group.lines.compactMap(ConfigReproduction.rule))
    }

    func createRoles(_ cluster: Cluster, _ group: ConfigReproduction.AddressGroup) async throws {
        let encryption = reproduction.settings["password_encryption"] ?? "scram-sha-256"
        var sql = ["SET password_encryption = '\(encryption == "md5" ? "md5" : "scram-sha-256")';"]
        var databases = Set<String>()
        var seen = Set<String>()
        for line in group.tested {
            let (database, user, role) = Self.identity(line)
            if let role, seen.insert(role).inserted { sql.append("CREATE ROLE \(try Self.ident(role)) NOLOGIN;") }
            if user == Cluster.adminUser, seen.insert(user).inserted {
                sql.append("ALTER ROLE \(try Self.ident(user)) PASSWORD '\(Self.password)';")
            } else if seen.insert(user).inserted {
                let inRole = try role.map { " IN ROLE \(try Self.ident($0))" } ?? ""
                sql.append("CREATE ROLE \(try Self.ident(user)) LOGIN PASSWORD '\(Self.password)'" + inRole + ";")
            }
            if !["postgres", "template1"].contains(database) { databases.insert(database) }
        }
        try await cluster.query(sql.joined(separator: " "))
        for database in databases.sorted() { try await cluster.query("CREATE DATABASE \(try Self.ident(database))") }
    }

    /// Names from the checked file, quoted by the one SQL quoting function.
    static func ident(_ name: String) throws -> String { try SQLQuoting.identifier(name) }
}
