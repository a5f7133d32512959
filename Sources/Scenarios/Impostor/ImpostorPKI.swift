import ClusterKit

/// The certificates of the impostor experiment, named after the model's `ServerChain` /
/// `ServerNames` cases they stand for, so what the model predicts and what the servers
/// present cannot drift apart.
public enum ImpostorPKI {
    public static let rootCA = "root-ca"
    public static let unrelatedCA = "unrelated-ca"
    /// The real database: root-signed, CN and SAN `db.example.test` (`.rootSigned`, `.standard`).
    public static let database = "db"
    /// Variant A: same names, issued by a CA the client does not trust (`.unrelatedCA`, `.standard`).
    public static let untrusted = "impostor-untrusted-ca"
    /// Variant B: issued by the trusted root, for another host (`.rootSigned`, `.mismatch`).
    public static let wrongHost = "impostor-wrong-host"

    public static let rootCAFile = "root-ca.crt"
    public static func certificateFile(_ name: String) -> String { "\(name).crt" }
    public static func keyFile(_ name: String) -> String { "\(name).key" }

    /// The host name the client is told the database has (`ServerNames.standard.clientHost`).
    public static let databaseHost = ServerNames.standard.clientHost

    public static var spec: PKISpec {
        var spec = PKISpec()
        for key in ["root-ca-key", "unrelated-ca-key", "db-key", "impostor-key"] { spec.addKey(KeySpec(name: key)) }
        spec.addCertificate(
            .rootCA(
                name: rootCA, key: "root-ca-key",
                subject: DistinguishedName([("O", "pg-ssl-matrix"), ("CN", "pg-ssl-matrix Root CA")])))
        spec.addCertificate(
            .rootCA(
                name: unrelatedCA, key: "unrelated-ca-key",
                subject: DistinguishedName([("O", "Impostor Ltd."), ("CN", "Impostor Root CA")])))
        func leaf(_ name: String, key: String, issuer: String, names: ServerNames) {
            let cn = names.commonName.map { [("CN", $0)] } ?? []
            let san: [SubjectAlternativeName] = names.subjectAltNames.map {
                switch $0 {
                case .dns(let n): .dns(n)
                case .ip(let a): .ipAddress(a)
                }
            }
            spec.addCertificate(
                .server(
                    name: name, key: key, issuer: issuer,
                    subject: DistinguishedName([("O", "pg-ssl-matrix")] + cn), subjectAlternativeNames: san))
            spec.addFile(OutputFileSpec(name: certificateFile(name), contents: [.certificate(name)], owner: .client))
            spec.addFile(OutputFileSpec(name: keyFile(name), contents: [.privateKey(key)], owner: .client))
        }
        leaf(database, key: "db-key", issuer: rootCA, names: .standard)
        leaf(untrusted, key: "impostor-key", issuer: unrelatedCA, names: .standard)
        leaf(wrongHost, key: "impostor-key", issuer: rootCA, names: .mismatch)
        spec.addFile(OutputFileSpec(name: rootCAFile, contents: [.certificate(rootCA)]))
        return spec
    }
}
