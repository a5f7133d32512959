import ClusterKit

/// The connection-type column of a pg_hba.conf line.
public enum HBAConnectionType: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case local, host, hostssl, hostnossl
    public var description: String { rawValue }
}

/// The authentication methods the matrix exercises.
public enum HBAMethod: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case trust, reject, password, md5
    case scramSHA256 = "scram-sha-256"
    case cert
    public var description: String { self == .scramSHA256 ? "scram" : rawValue }
}

/// The `clientcert=` option. `legacyOne` (`clientcert=1`) is rejected since PostgreSQL 14.
public enum HBAClientCertOption: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"
    case legacyOne = "1"
    public var description: String { "clientcert=\(rawValue)" }
}

/// The `clientname=` option (PG 14+): which certificate field cert auth / verify-full compares.
public enum HBAClientName: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case cn = "CN"
    case dn = "DN"
    public var description: String { "clientname=\(rawValue)" }
}

/// One pg_hba.conf line. Database and address are always `all`; the user column selects the
/// rule, so one cluster can carry many rules (one role per rule).
public struct HBAEntry: Sendable, Hashable, Codable, CustomStringConvertible {
    public var type: HBAConnectionType
    /// Role name, or `all`.
    public var user: String
    public var database: String
    public var method: HBAMethod
    public var clientCert: HBAClientCertOption?
    public var clientName: HBAClientName?
    /// `map=` option naming an entry set in pg_ident.conf.
    public var map: String?
    /// The address column when it is not `all` (a scenario file's CIDR); the client
    /// connects from 127.0.0.1.
    public var address: String? = nil
    /// The line exactly as a scenario file wrote it (what the server quotes in its DETAIL);
    /// nil for the matrix, whose lines are built from the fields.
    public var written: HBARule? = nil

    public init(
        _ type: HBAConnectionType, user: String = "all", database: String = "all", method: HBAMethod,
        clientCert: HBAClientCertOption? = nil, clientName: HBAClientName? = nil, map: String? = nil
    ) {
        self.type = type
        self.user = user
        self.database = database
        self.method = method
        self.clientCert = clientCert
        self.clientName = clientName
        self.map = map
    }

    /// pg_hba.conf's user and database columns: `all`, or a comma-separated list of names
    /// (hba.c check_role / check_db for plain names; the translator keeps other keywords out).
    func matches(user u: String, database d: String) -> Bool {
        func inList(_ column: String, _ name: String) -> Bool {
            column == "all" || column.split(separator: ",").contains { $0 == name }
        }
        return inList(user, u) && inList(database, d)
    }

    /// check_hba's address test for a client at 127.0.0.1 (IPv4 loopback).
    var matchesClientAddress: Bool {
        guard let address, address != "all" else { return true }
        return IPRange.parse(address)?.contains([127, 0, 0, 1]) ?? false
    }

    /// The line as written to pg_hba.conf.
    public var line: String {
        var fields = [type.rawValue, database, user]
        if type != .local { fields.append("all") }
        fields.append(method.rawValue)
        if let clientCert { fields.append("clientcert=\(clientCert.rawValue)") }
        if let clientName { fields.append("clientname=\(clientName.rawValue)") }
        if let map { fields.append("map=\(map)") }
        return fields.joined(separator: " ")
    }

    /// Short form used in scenario ids: `hostssl scram clientcert=verify-full`.
    public var description: String {
        var parts = ["\(type) \(method)"]
        if let clientCert { parts.append(clientCert.description) }
        if let clientName { parts.append(clientName.description) }
        if let map { parts.append("map=\(map)") }
        return parts.joined(separator: " ")
    }

    /// The `hostnossl all all all reject` line that commonly opens a hardened pg_hba.conf.
    public static let rejectNonSSL = HBAEntry(.hostnossl, method: .reject)
}
