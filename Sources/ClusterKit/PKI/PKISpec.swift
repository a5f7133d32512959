/// A whole PKI as plain data: keys, certificates, CRLs and the files to write.
///
/// Everything refers to everything else by name, so a spec can be built up in any order,
/// compared, hashed (it is the cache key) and stored as JSON. `PKI.materialize` turns it
/// into objects and files; `PKISpec.standard(...)` is the set the matrix uses.
public struct PKISpec: Codable, Hashable, Sendable {
    public var keys: [KeySpec]
    public var certificates: [CertificateSpec]
    public var crls: [CRLSpec]
    public var files: [OutputFileSpec]

    public init(
        keys: [KeySpec] = [], certificates: [CertificateSpec] = [], crls: [CRLSpec] = [], files: [OutputFileSpec] = []
    ) {
        self.keys = keys
        self.certificates = certificates
        self.crls = crls
        self.files = files
    }

    /// Adds a key unless one with that name exists (several certificates may share a key).
    public mutating func addKey(_ key: KeySpec) {
        if !keys.contains(where: { $0.name == key.name }) { keys.append(key) }
    }

    public mutating func addCertificate(_ certificate: CertificateSpec) {
        certificates.append(certificate)
    }

    public mutating func addCRL(_ crl: CRLSpec) {
        crls.append(crl)
    }

    public mutating func addFile(_ file: OutputFileSpec) {
        files.append(file)
    }

    public func certificate(named name: String) -> CertificateSpec? {
        certificates.first { $0.name == name }
    }

    /// Checks names: unique per kind, every reference defined, issuers are certificates
    /// that precede nothing circular. Returns certificates in issuing order (issuers first).
    func validatedIssuingOrder() throws -> [CertificateSpec] {
        for (kind, names) in [
            ("key", keys.map(\.name)), ("certificate", certificates.map(\.name)),
            ("CRL", crls.map(\.name)), ("file", files.map(\.name)),
        ] {
            var seen = Set<String>()
            for name in names where !seen.insert(name).inserted {
                throw ClusterKitError.pkiSpecInvalid(reason: "two \(kind)s are named '\(name)'")
            }
        }
        let keyNames = Set(keys.map(\.name))
        let byName = Dictionary(uniqueKeysWithValues: certificates.map { ($0.name, $0) })
        for certificate in certificates {
            if !keyNames.contains(certificate.key) { throw ClusterKitError.unknownPKIName(name: certificate.key) }
            if let issuer = certificate.issuer, byName[issuer] == nil {
                throw ClusterKitError.unknownPKIName(name: issuer)
            }
        }
        for crl in crls {
            guard byName[crl.issuer] != nil else { throw ClusterKitError.unknownPKIName(name: crl.issuer) }
            for revoked in crl.revoked {
                guard let spec = byName[revoked] else { throw ClusterKitError.unknownPKIName(name: revoked) }
                guard spec.issuer == crl.issuer else {
                    throw ClusterKitError.pkiSpecInvalid(
                        reason: "CRL '\(crl.name)' revokes '\(revoked)', which '\(crl.issuer)' did not issue")
                }
            }
        }
        let crlNames = Set(crls.map(\.name))
        for file in files {
            for object in file.contents {
                switch object {
                case .certificate(let n) where byName[n] == nil: throw ClusterKitError.unknownPKIName(name: n)
                case .privateKey(let n) where !keyNames.contains(n): throw ClusterKitError.unknownPKIName(name: n)
                case .crl(let n) where !crlNames.contains(n): throw ClusterKitError.unknownPKIName(name: n)
                default: break
                }
            }
            if file.contents.isEmpty {
                throw ClusterKitError.pkiSpecInvalid(reason: "file '\(file.name)' has no contents")
            }
            if file.format == .der, file.contents.count != 1 {
                throw ClusterKitError.pkiSpecInvalid(reason: "DER file '\(file.name)' must hold exactly one object")
            }
        }
        var ordered: [CertificateSpec] = []
        var state: [String: Bool] = [:]  // false: in progress, true: done
        func visit(_ spec: CertificateSpec) throws {
            if state[spec.name] == true { return }
            if state[spec.name] == false {
                throw ClusterKitError.pkiSpecInvalid(reason: "certificate '\(spec.name)' is part of an issuer cycle")
            }
            state[spec.name] = false
            if let issuer = spec.issuer, issuer != spec.name, let parent = byName[issuer] { try visit(parent) }
            state[spec.name] = true
            ordered.append(spec)
        }
        for certificate in certificates { try visit(certificate) }
        return ordered
    }
}
