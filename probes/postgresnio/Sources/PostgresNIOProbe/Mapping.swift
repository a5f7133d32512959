import Foundation
import NIOSSL
import PostgresNIO

/// The one static table from libpq keywords to PostgresNIO's configuration
/// (`PostgresConnection.Configuration`: host/port/username/password/database, `TLS` =
/// disable | prefer(ctx) | require(ctx), `Options.tlsServerName/connectTimeout/
/// additionalStartupParameters`; verification lives in NIOSSL's `TLSConfiguration`).
/// PostgresNIO has no sslmode: the probe picks the TLS mode and `certificateVerification` that
/// carry libpq's meaning, so what differs afterwards is the driver's own behaviour (no plaintext
/// retry, no CRL, no channel binding). A keyword with no equivalent whose value is not libpq's
/// default is reported in `unsupported`, never dropped silently.
struct MappingRow {
    let keyword: String
    let native: String
    let rule: String
    /// For keywords without equivalent: values the driver's fixed behaviour already meets.
    var satisfied: [String]? = nil
}

enum Mapping {
    static let table: [MappingRow] = [
        .init(keyword: "host", native: "Options.tlsServerName", rule: "the name for SNI and verification; also the TCP host when no hostaddr"),
        .init(keyword: "hostaddr", native: "Configuration(establishedChannel:)", rule: "the probe opens the TCP channel to hostaddr (documented pre-established channel), host stays the TLS name"),
        .init(keyword: "port", native: "port", rule: ""),
        .init(keyword: "dbname", native: "database", rule: ""),
        .init(keyword: "user", native: "username", rule: ""),
        .init(keyword: "password", native: "password", rule: ""),
        .init(keyword: "passfile", native: "", rule: "no equivalent (PostgresNIO reads no password file)"),
        .init(keyword: "sslmode", native: "TLS + TLSConfiguration.certificateVerification", rule: "disable -> .disable; allow, prefer -> .prefer (no plaintext-first attempt, no retry); require -> .require; verification: verify-full .fullVerification, verify-ca .noHostnameVerification, require/prefer/allow .noHostnameVerification when the root file exists (libpq's rule) else .none"),
        .init(keyword: "sslrootcert", native: "TLSConfiguration.trustRoots", rule: ".file(path); 'system' -> .default; a missing file is not passed"),
        .init(keyword: "sslcert", native: "TLSConfiguration.certificateChain", rule: "PEM file; a missing file is not passed"),
        .init(keyword: "sslkey", native: "TLSConfiguration.privateKey", rule: "NIOSSLPrivateKey(file:format: .pem, passphraseCallback: sslpassword)"),
        .init(keyword: "sslpassword", native: "NIOSSLPrivateKey passphraseCallback", rule: ""),
        .init(keyword: "sslcrl", native: "", rule: "no equivalent (NIOSSL TLSConfiguration has no CRL option)"),
        .init(keyword: "sslcrldir", native: "", rule: "no equivalent"),
        .init(keyword: "sslsni", native: "", rule: "no equivalent: SNI is sent whenever tlsServerName is a name", satisfied: ["1"]),
        .init(keyword: "ssl_min_protocol_version", native: "TLSConfiguration.minimumTLSVersion", rule: "TLSv1..TLSv1.3"),
        .init(keyword: "ssl_max_protocol_version", native: "TLSConfiguration.maximumTLSVersion", rule: "TLSv1..TLSv1.3"),
        .init(keyword: "channel_binding", native: "", rule: "no equivalent: PostgresNIO has no SCRAM-SHA-256-PLUS", satisfied: ["disable", "prefer"]),
        .init(keyword: "gssencmode", native: "", rule: "no equivalent: no GSS encryption", satisfied: ["disable", "prefer", "allow"]),
        .init(keyword: "sslcertmode", native: "", rule: "no equivalent: a configured client certificate is always offered", satisfied: ["allow"]),
        .init(keyword: "require_auth", native: "", rule: "no equivalent", satisfied: []),
        .init(keyword: "sslnegotiation", native: "", rule: "no equivalent: always the PostgreSQL SSLRequest", satisfied: ["postgres"]),
        .init(keyword: "target_session_attrs", native: "", rule: "no equivalent (one host)", satisfied: ["any"]),
        .init(keyword: "connect_timeout", native: "ClientBootstrap.connectTimeout", rule: "seconds; the whole attempt is bounded by the request timeout"),
        .init(keyword: "application_name", native: "Options.additionalStartupParameters", rule: "sent as a startup parameter"),
        .init(keyword: "options", native: "Options.additionalStartupParameters", rule: "sent as a startup parameter"),
    ]

    /// keyword -> PostgresNIO's equivalent (NSNull = none), as the hello's driver.mapping.
    static var helloMapping: [String: Any] {
        Dictionary(table.map { ($0.keyword, $0.native.isEmpty ? NSNull() : $0.native as Any) }, uniquingKeysWith: { a, _ in a })
    }

    static var tableJSON: [String: Any] {
        [
            "driver": "postgresnio",
            "mapping": table.map { row -> [String: Any] in
                var entry: [String: Any] = ["keyword": row.keyword, "native": row.native, "rule": row.rule]
                if let satisfied = row.satisfied { entry["satisfied"] = satisfied }
                return entry
            },
        ]
    }
}

/// What the probe hands PostgresNIO for one request.
final class Translation {
    var params: [String: String] = [:]
    var passed: [String: String] = [:]
    var unsupported: [String] = []
    var notes: [String] = []

    func unsupport(_ keyword: String, _ why: String) {
        if !unsupported.contains(keyword) { unsupported.append(keyword) }
        notes.append("\(keyword): \(why)")
    }

    static func fileExists(_ path: String?) -> Bool {
        guard let path, !path.isEmpty else { return false }
        return FileManager.default.fileExists(atPath: path)
    }

    init(_ parameters: [(String, String)]) {
        let rows = Dictionary(Mapping.table.map { ($0.keyword, $0) }, uniquingKeysWith: { a, _ in a })
        for (keyword, value) in parameters {
            params[keyword] = value
            guard let row = rows[keyword] else {
                unsupport(keyword, "not in PostgresNIO's mapping table (value \(value) not applied)")
                continue
            }
            guard row.native.isEmpty else { continue }
            if keyword == "sslcrl" || keyword == "sslcrldir" || keyword == "passfile" {
                if Self.fileExists(value) { unsupport(keyword, "\(row.rule) (file \(value) not used)") }
            } else if !(row.satisfied ?? []).contains(value) {
                unsupport(keyword, "\(row.rule) (value \(value) not applied)")
            }
        }
    }

    static let versions: [String: TLSVersion] = [
        "TLSv1": .tlsv1, "TLSv1.0": .tlsv1, "TLSv1.1": .tlsv11, "TLSv1.2": .tlsv12, "TLSv1.3": .tlsv13,
    ]

    /// PostgresNIO's TLS mode for this request, with its NIOSSL context (built here, so a file
    /// NIOSSL cannot load fails the request with NIOSSL's own error).
    func tls() throws -> PostgresConnection.Configuration.TLS {
        let mode = params["sslmode"] ?? "prefer"
        if mode == "disable" {
            passed["tls"] = ".disable"
            return .disable
        }
        var config = TLSConfiguration.makeClientConfiguration()
        let root = params["sslrootcert"]
        let rootExists = Self.fileExists(root)
        switch mode {
        case "verify-full": config.certificateVerification = .fullVerification
        case "verify-ca": config.certificateVerification = .noHostnameVerification
        case "allow", "prefer", "require":
            config.certificateVerification = rootExists ? .noHostnameVerification : .none
        default:
            throw ProbeError("invalid sslmode value: \"\(mode)\"")
        }
        if mode == "allow" { unsupport("sslmode", "allow: PostgresNIO has no plaintext-first attempt; mapped to .prefer") }
        if root == "system" {
            config.trustRoots = .default
            passed["trustRoots"] = ".default"
        } else if let root, rootExists {
            config.trustRoots = .file(root)
            passed["trustRoots"] = ".file(\(root))"
        } else if let root {
            notes.append("sslrootcert: \(root) does not exist; not passed (NIOSSL's default roots apply)")
        }
        if let cert = params["sslcert"], Self.fileExists(cert) {
            config.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            passed["certificateChain"] = cert
            if let keyPath = params["sslkey"], Self.fileExists(keyPath) {
                let key: NIOSSLPrivateKey
                if let password = params["sslpassword"] {
                    key = try NIOSSLPrivateKey(file: keyPath, format: .pem) { set in set(Array(password.utf8)) }
                    passed["privateKey"] = "\(keyPath) (passphraseCallback: ***)"
                } else {
                    key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
                    passed["privateKey"] = keyPath
                }
                config.privateKey = .privateKey(key)
            }
        } else if let cert = params["sslcert"] {
            notes.append("sslcert: \(cert) does not exist; not passed (libpq skips a missing file)")
        }
        if let v = params["ssl_min_protocol_version"], !v.isEmpty {
            if let version = Self.versions[v] {
                config.minimumTLSVersion = version
                passed["minimumTLSVersion"] = v
            } else {
                unsupport("ssl_min_protocol_version", "no NIOSSL TLSVersion for \(v)")
            }
        }
        if let v = params["ssl_max_protocol_version"], !v.isEmpty {
            if let version = Self.versions[v] {
                config.maximumTLSVersion = version
                passed["maximumTLSVersion"] = v
            } else {
                unsupport("ssl_max_protocol_version", "no NIOSSL TLSVersion for \(v)")
            }
        }
        passed["certificateVerification"] = "\(config.certificateVerification)"
        let context = try NIOSSLContext(configuration: config)
        let enforced = mode != "allow" && mode != "prefer"
        passed["tls"] = enforced ? ".require" : ".prefer"
        return enforced ? .require(context) : .prefer(context)
    }
}

struct ProbeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
