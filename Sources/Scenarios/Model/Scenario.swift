import ClusterKit

/// The password the client sends.
public enum ClientPassword: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case right, wrong, none
    public var description: String { "password-\(rawValue)" }
}

/// How the role's password is stored (pg_authid.rolpassword). PG 15 default is SCRAM.
public enum StoredPassword: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case scram, md5
    public var description: String { "stored-\(rawValue)" }
}

/// How the client reaches the server.
public enum Transport: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// `host=<ServerNames.clientHost> hostaddr=127.0.0.1 port={port}`.
    case tcp
    /// `host=<socket directory>`; libpq never requests SSL over a Unix socket.
    case unixSocket = "unix-socket"
    public var description: String { rawValue }
}

/// Everything one cluster decides: PKI choice, postgresql.conf TLS settings, pg_hba.conf, pg_ident.conf.
/// Scenarios with an equal `ServerSide` can share one cluster.
public struct ServerSide: Sendable, Hashable, Codable, CustomStringConvertible {
    public var chain: ServerChain
    public var names: ServerNames
    public var tls: ServerTLS
    /// pg_hba.conf lines, first match wins.
    public var hba: [HBAEntry]
    public var ident: [IdentMapEntry]

    public init(
        chain: ServerChain = .rootSigned, names: ServerNames = .standard, tls: ServerTLS = .default,
        hba: [HBAEntry], ident: [IdentMapEntry] = []
    ) {
        self.chain = chain
        self.names = names
        self.tls = tls
        self.hba = hba
        self.ident = ident
    }

    /// A stable group id: PKI + settings + a digest of the hba/ident text.
    public var description: String {
        let text = (hba.map(\.line) + ident.map(\.line)).joined(separator: "\n")
        return "\(chain)/\(names)/\(tls)/hba-\(StableHash.hex(text))"
    }
}

/// Everything the client decides.
public struct ClientSide: Sendable, Hashable, Codable {
    public var sslMode: SSLMode
    public var channelBinding: ChannelBinding
    public var trust: ClientTrust
    public var crl: ClientCRL
    public var certificate: ClientCertificate
    public var password: ClientPassword
    /// libpq ssl_min_protocol_version; nil = default TLSv1.2.
    public var minProtocol: TLSVersion?
    /// libpq ssl_max_protocol_version; nil = none.
    public var maxProtocol: TLSVersion?
    public var transport: Transport
    /// sslrootcert=system, sslcertmode, require_auth, sslnegotiation (newer libpq releases).
    public var newer = NewerClientSettings()

    public init(
        sslMode: SSLMode, channelBinding: ChannelBinding = .prefer, trust: ClientTrust = .root,
        crl: ClientCRL = .none, certificate: ClientCertificate = .none, password: ClientPassword = .right,
        minProtocol: TLSVersion? = nil, maxProtocol: TLSVersion? = nil, transport: Transport = .tcp
    ) {
        self.sslMode = sslMode
        self.channelBinding = channelBinding
        self.trust = trust
        self.crl = crl
        self.certificate = certificate
        self.password = password
        self.minProtocol = minProtocol
        self.maxProtocol = maxProtocol
        self.transport = transport
    }

    public var effectiveMin: TLSVersion { minProtocol ?? .tls12 }
    public var effectiveMax: TLSVersion { maxProtocol ?? .tls13 }
}

/// One connection attempt to predict: a server side, a client side, and the role/database used.
public struct Scenario: Sendable, Hashable, Codable, CustomStringConvertible {
    public var server: ServerSide
    public var client: ClientSide
    public var user: String
    public var database: String
    public var storedPassword: StoredPassword
    /// What a scenario file's real PKI decides (chains, names, subjects); nil for the matrix,
    /// whose named shapes decide it.
    public var facts: ScenarioFacts? = nil

    public init(
        server: ServerSide, client: ClientSide, user: String, database: String = "postgres",
        storedPassword: StoredPassword = .scram
    ) {
        self.server = server
        self.client = client
        self.user = user
        self.database = database
        self.storedPassword = storedPassword
    }

    /// The first rule naming this user (or `all`), whatever its connection type: used for ids.
    public var primaryRule: HBAEntry? {
        server.hba.first { $0.user == user && $0 != HBAEntry.rejectNonSSL }
            ?? server.hba.first { $0.user == user || $0.user == "all" }
    }

    /// Stable id, e.g. `verify-full / hostssl scram / intermediate-unbundled / trust root`,
    /// followed by every non-default dimension.
    public var id: String {
        var parts = [client.sslMode.rawValue]
        parts.append(primaryRule.map(\.description) ?? "no-rule")
        parts.append(server.chain.rawValue)
        parts.append("trust \(client.trust)")
        if server.names != .standard { parts.append("names \(server.names)") }
        if server.hba.first == .rejectNonSSL { parts.append("hostnossl-reject-first") }
        if server.tls != .default { parts.append(server.tls.description) }
        if client.crl != .none { parts.append(client.crl.rawValue) }
        if client.certificate != .none { parts.append("cert \(client.certificate)") }
        if client.password != .right { parts.append(client.password.description) }
        if storedPassword != .scram { parts.append(storedPassword.description) }
        if client.channelBinding != .prefer { parts.append("channel_binding=\(client.channelBinding)") }
        if let m = client.minProtocol { parts.append("client-min=\(m)") }
        if let m = client.maxProtocol { parts.append("client-max=\(m)") }
        if client.transport != .tcp { parts.append(client.transport.rawValue) }
        parts += client.newer.parts
        if !server.ident.isEmpty, let map = primaryRule?.map { parts.append("ident \(map)") }
        parts.append("user \(user)")
        return parts.joined(separator: " / ")
    }

    public var description: String { id }
}

/// FNV-1a, so ids do not depend on Swift's per-process randomized `hashValue`.
enum StableHash {
    static func hex(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return String(h, radix: 16)
    }
}
