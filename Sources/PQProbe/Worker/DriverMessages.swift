import Foundation

/// Who a driver probe is (its hello's `driver` object): the driver, its version, the runtime
/// and the TLS implementation it uses. Protocol: docs/driver-probes.md.
public struct DriverIdentity: Codable, Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var version: String
    public var runtime: String?
    public var tls: String?
    /// The probe's static mapping table: libpq keyword -> the driver's equivalent, nil for
    /// "no equivalent" (the same table the probe translates with, so reports show it).
    public var mapping: [String: String?]?

    public init(
        name: String, version: String, runtime: String? = nil, tls: String? = nil, mapping: [String: String?]? = nil
    ) {
        self.name = name
        self.version = version
        self.runtime = runtime
        self.tls = tls
        self.mapping = mapping
    }

    public var description: String {
        "\(name) \(version)" + ([runtime, tls.map { "TLS: \($0)" }].compactMap { $0 }.joined(separator: ", ")).prefixed
    }
}

extension String {
    fileprivate var prefixed: String { isEmpty ? "" : " (\(self))" }
}

/// What a driver probe says about one request besides the connection report: the driver's
/// error class and SQLSTATE, what it actually handed its driver (`passed`), and the libpq
/// keywords it could not translate (`unsupported`), so a deviation can be pinned on the
/// driver and not on the probe's translation.
public struct DriverCaseDetail: Codable, Sendable, Hashable {
    public var errorClass: String?
    public var sqlstate: String?
    /// Driver setting -> value as given to the driver (a URL, option names, a TLS context summary).
    public var passed: [String: String]
    /// libpq keywords with a non-default value that the driver has no equivalent for.
    public var unsupported: [String]
    public var notes: [String]

    public init(
        errorClass: String? = nil, sqlstate: String? = nil, passed: [String: String] = [:], unsupported: [String] = [],
        notes: [String] = []
    ) {
        self.errorClass = errorClass
        self.sqlstate = sqlstate
        self.passed = passed
        self.unsupported = unsupported
        self.notes = notes
    }

    /// `errorClass` of a case whose probe process died while it handled the case (the
    /// harness sets it; `notes` say how and hold the process's stderr).
    public static let processDied = "process died"

    enum CodingKeys: String, CodingKey { case errorClass, sqlstate, passed, unsupported, notes }

    /// Missing fields are empty: a probe that leaves out `notes` is not a broken probe.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errorClass = try c.decodeIfPresent(String.self, forKey: .errorClass)
        sqlstate = try c.decodeIfPresent(String.self, forKey: .sqlstate)
        passed = try c.decodeIfPresent([String: String].self, forKey: .passed) ?? [:]
        unsupported = try c.decodeIfPresent([String].self, forKey: .unsupported) ?? []
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
    }
}
