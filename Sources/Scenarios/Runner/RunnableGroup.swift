import ClusterKit
import Foundation

/// One cluster's worth of concrete work: the PKI to materialise, the server's files and
/// roles, and the cases to probe against it.
///
/// Both sources of scenarios end here: the built-in matrix (model scenarios, realised by
/// `MatrixRealizer`) and user scenario files (`ScenarioFile`). The runner knows nothing
/// about where a group came from.
public struct RunnableGroup: Sendable {
    public var id: String
    public var pki: PKISpec
    /// String values may contain `{files}`: the directory the PKI is materialised into.
    public var settings: ServerSettings
    public var hba: [HBARule]
    public var ident: [IdentMapEntry]
    public var roles: [RoleSpec]
    public var extensions: [String]
    /// Databases created after the roles and extensions, from the `postgres` database as
    /// template, so each holds the group's extensions too (sslinfo where the cases connect).
    public var databases: [String] = []
    /// When set, the server is expected not to start (or to refuse this configuration).
    public var startExpectation: CaseExpectation?
    public var cases: [CaseSpec]

    public init(
        id: String, pki: PKISpec, settings: ServerSettings, hba: [HBARule], ident: [IdentMapEntry] = [],
        roles: [RoleSpec], extensions: [String] = [], startExpectation: CaseExpectation? = nil, cases: [CaseSpec]
    ) {
        self.id = id
        self.pki = pki
        self.settings = settings
        self.hba = hba
        self.ident = ident
        self.roles = roles
        self.extensions = extensions
        self.startExpectation = startExpectation
        self.cases = cases
    }
}

/// A login role the group needs, with how its password is stored.
public struct RoleSpec: Sendable, Hashable, Codable {
    public var name: String
    public var password: String?
    /// "scram-sha-256" or "md5": password_encryption when the password is set.
    public var passwordEncryption: String

    public init(name: String, password: String?, passwordEncryption: String = "scram-sha-256") {
        self.name = name
        self.password = password
        self.passwordEncryption = passwordEncryption
    }

    /// SQL that creates the role; names and passwords quoted by `SQLQuoting`.
    ///
    /// A SCRAM password is sent as the secret `SCRAMSecret` derives (what the server would store,
    /// made in this process once per password instead of by the server on every CREATE ROLE),
    /// unless `deriveSecret` is false (a group that sets `scram_iterations`: the server's count
    /// must be used) or SASLprep could change the password (the server derives it then).
    public func sql(deriveSecret: Bool = true) throws -> String {
        let ident = try SQLQuoting.identifier(name, what: "role name")
        guard let password else { return "CREATE ROLE \(ident) LOGIN;" }
        let encryption = try SQLQuoting.literal(passwordEncryption, what: "password_encryption")
        var stored = password
        if deriveSecret, passwordEncryption == "scram-sha-256", SCRAMSecret.canDerive(password) {
            stored = try SCRAMSecret.secret(for: password)
        }
        let literal = try SQLQuoting.literal(stored, what: "the password of role \(name)")
        return "SET password_encryption = \(encryption); CREATE ROLE \(ident) LOGIN PASSWORD \(literal);"
    }

    /// The same statement with the password left out: what errors and reports may show.
    public var redactedSQL: String {
        let ident = (try? SQLQuoting.identifier(name, what: "role name")) ?? ConfigGrammar.escaped(name)
        return password == nil ? "CREATE ROLE \(ident) LOGIN;" : "CREATE ROLE \(ident) LOGIN PASSWORD <redacted>;"
    }
}

/// One connection attempt to make, and what must happen.
public struct CaseSpec: Sendable {
    public var id: String
    public var client: ClientTemplate
    public var expectation: CaseExpectation
    /// Set when this machine cannot realise the case as specified (said in reports, never silent).
    public var skipReason: String?
    /// Dimension values for report tables: "sslmode", "hba", "chain", "trust", ...
    public var labels: [String: String]

    public init(
        id: String, client: ClientTemplate, expectation: CaseExpectation, skipReason: String? = nil,
        labels: [String: String] = [:]
    ) {
        self.id = id
        self.client = client
        self.expectation = expectation
        self.skipReason = skipReason
        self.labels = labels
    }
}
