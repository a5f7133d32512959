import Foundation

/// One pg_hba.conf line, as typed data.
///
/// Options are kept as ordered key/value text on purpose: the matrix must be able to write
/// lines the server rejects (`clientcert=1`, clientcert on a `host` line) and see the
/// server's own complaint, so the type does not refuse what PostgreSQL would refuse.
public struct HBARule: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum ConnectionType: String, Sendable, Hashable, Codable, CaseIterable {
        case local, host, hostssl, hostnossl, hostgssenc, hostnogssenc
    }

    public var type: ConnectionType
    public var database: String
    public var user: String
    /// nil for `local`; "127.0.0.1/32", "all", "samehost", ...
    public var address: String?
    public var method: String
    public var options: [Option]

    public struct Option: Sendable, Hashable, Codable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(
        _ type: ConnectionType, database: String = "all", user: String = "all",
        address: String? = "127.0.0.1/32", method: String, options: [Option] = []
    ) {
        self.type = type
        self.database = database
        self.user = user
        self.address = type == .local ? nil : address
        self.method = method
        self.options = options
    }

    public var line: String {
        var fields = [type.rawValue, database, user]
        if let address { fields.append(address) }
        fields.append(method)
        fields += options.map { "\($0.name)=\($0.value)" }
        return fields.joined(separator: "\t")
    }

    public var description: String { line }

    /// Every field must stay one pg_hba.conf token (see `ConfigGrammar`): a value cannot add
    /// a field, an option, a comment or a line. What PostgreSQL itself would refuse (an
    /// unknown method, `clientcert` on a `host` line) is still written, for the server to judge.
    public func validate() throws {
        try ConfigGrammar.checkHBAToken(database, file: .hba, field: "database", allowList: true)
        try ConfigGrammar.checkHBAToken(user, file: .hba, field: "user", allowList: true)
        if let address { try ConfigGrammar.checkHBAToken(address, file: .hba, field: "address") }
        try HBARule.checkWord(method, field: "method")
        for option in options {
            try HBARule.checkWord(option.name, field: "option name")
            try ConfigGrammar.checkHBAToken(option.value, file: .hba, field: "option \(option.name)", allowList: true)
        }
    }

    /// Methods and option names are bare words (`scram-sha-256`, `clientcert`).
    static func checkWord(_ word: String, field: String) throws {
        try ConfigGrammar.checkNoControlCharacters(word, file: .hba, field: field)
        guard !word.isEmpty, word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw ClusterKitError.unsafeConfigValue(
                file: "pg_hba.conf", field: field, value: word,
                reason: "it must be one word of letters, digits, '-' and '_'")
        }
    }
}

/// A whole pg_hba.conf: the harness's own superuser line first, then the scenario's rules.
public struct HBAFile: Sendable, Hashable, Codable {
    public var rules: [HBARule]

    public init(_ rules: [HBARule]) { self.rules = rules }

    /// The harness administers the cluster over its private unix socket as `adminUser`;
    /// that line comes first so no scenario rule can lock the harness out. It matches only
    /// that user on the socket, never a TCP connection, so no scenario is affected.
    /// The scenario's rule number n (from 1) is on line `n + firstRuleLine - 1`: the server's
    /// complaints name file lines, and the model predicts them from this layout.
    func text(adminUser: String) -> String {
        var lines = [
            HBARule(.local, database: "all", user: adminUser, method: "trust").line
                + "\t# pg-ssl-matrix: harness superuser, private socket only; scenario rules follow, first match wins"
        ]
        lines += rules.map(\.line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The file line of the scenario's first rule.
    public static let firstRuleLine = 2
}
