/// The versions in play for one connection: what each side runs, so every rule and message
/// is chosen by the side that produces it (server rules by the server major, libpq rules by
/// the libpq major, OpenSSL reason strings by the OpenSSL release of the side printing them).
public struct Versions: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The server's PostgreSQL major (`postgres --version`).
    public var server: Int
    /// The client's libpq major (`PQlibVersion()` of the libpq that really connects).
    public var libpq: Int
    /// The OpenSSL the postmaster mapped; nil when unknown.
    public var serverOpenSSL: ReleaseVersion?
    /// The OpenSSL the client's libpq uses; nil when unknown.
    public var clientOpenSSL: ReleaseVersion?

    /// What an unknown OpenSSL is taken to be: the oldest release the catalogue words (3.0,
    /// the one Debian 12 ships). Reports show the OpenSSL they really found.
    public static let assumedOpenSSL = ReleaseVersion(3, 0)

    public init(server: Int, libpq: Int, serverOpenSSL: ReleaseVersion? = nil, clientOpenSSL: ReleaseVersion? = nil) {
        self.server = server
        self.libpq = libpq
        self.serverOpenSSL = serverOpenSSL
        self.clientOpenSSL = clientOpenSSL
    }

    /// Server and client of the same major (an installation with its own libpq).
    public static func same(_ major: Int, openSSL: ReleaseVersion? = nil) -> Versions {
        Versions(server: major, libpq: major, serverOpenSSL: openSSL, clientOpenSSL: openSSL)
    }

    /// The combination this harness was first built on: PostgreSQL 15 both sides, OpenSSL 3.0.
    public static let standard = Versions.same(15, openSSL: ReleaseVersion(3, 0))

    /// The release that chooses `side`'s wording; `peer` says whose OpenSSL prints an OpenSSL string.
    public func release(of side: MessageSide, printedBy peer: Peer = .client) -> ReleaseVersion {
        switch side {
        case .libpq: ReleaseVersion(libpq)
        case .server: ReleaseVersion(server)
        case .openssl: (peer == .client ? clientOpenSSL : serverOpenSSL) ?? Self.assumedOpenSSL
        }
    }

    /// Whether the model claims every message of these versions (checked on real binaries here).
    public var modelKnows: Bool {
        MessageCatalogue.supportedMajors.contains(server) && MessageCatalogue.supportedMajors.contains(libpq)
    }

    public var description: String {
        func ssl(_ v: ReleaseVersion?) -> String { v.map { " (OpenSSL \($0))" } ?? "" }
        return "server \(server)\(ssl(serverOpenSSL)), libpq \(libpq)\(ssl(clientOpenSSL))"
    }
}
