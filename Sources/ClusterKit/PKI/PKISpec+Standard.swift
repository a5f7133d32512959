extension PKISpec {
    /// The matrix's standard set (see `StandardPKI` for every name it defines).
    ///
    /// Five keys in all: one per CA, one shared by every server leaf and one by every client
    /// leaf, so an RSA set costs five key generations, not thirty.
    public static func standard(_ options: StandardPKI.Options = StandardPKI.Options()) -> PKISpec {
        typealias S = StandardPKI
        typealias F = StandardPKI.Files
        var spec = PKISpec()
        let algorithm = options.keyAlgorithm
        for name in [S.rootCA, S.intermediateCA, S.unrelatedCA, "server", "client"] {
            spec.addKey(KeySpec(name: "\(name)-key", algorithm: algorithm))
        }
        spec.addCertificate(
            .rootCA(
                name: S.rootCA, key: "root-ca-key",
                subject: DistinguishedName([("O", "pg-ssl-matrix"), ("CN", "pg-ssl-matrix Root CA")])))
        spec.addCertificate(
            .intermediateCA(
                name: S.intermediateCA, key: "intermediate-ca-key", issuer: S.rootCA,
                subject: DistinguishedName([("O", "pg-ssl-matrix"), ("CN", "pg-ssl-matrix Intermediate CA")])))
        spec.addCertificate(
            .rootCA(
                name: S.unrelatedCA, key: "unrelated-ca-key",
                subject: DistinguishedName([("O", "Elsewhere Inc."), ("CN", "Unrelated Root CA")])))
        for row in S.serverRows(options) {
            spec.addCertificate(
                .server(
                    name: row.name, key: "server-key", issuer: row.issuer, subject: row.subject,
                    subjectAlternativeNames: row.names, validity: row.validity))
            spec.addLeafFiles(row.name, key: "server-key", owner: .server)
        }
        for row in S.clientRows(options) {
            spec.addCertificate(
                .client(
                    name: row.name, key: "client-key", issuer: row.issuer, subject: row.subject, validity: row.validity)
            )
            spec.addLeafFiles(row.name, key: "client-key", owner: .client)
        }
        spec.addCRL(
            CRLSpec(
                name: "root-crl", issuer: S.rootCA, revoked: [S.Server.revoked.rawValue, S.Client.revoked.rawValue]))
        spec.addCRL(
            CRLSpec(
                name: "intermediate-crl", issuer: S.intermediateCA, revoked: [S.Server.revokedByIntermediate.rawValue]))
        spec.addCRL(
            .expired(
                name: "root-crl-expired", issuer: S.rootCA,
                revoked: [S.Server.revoked.rawValue, S.Client.revoked.rawValue]))

        spec.addFile(OutputFileSpec(name: F.rootCA, contents: [.certificate(S.rootCA)]))
        spec.addFile(OutputFileSpec(name: F.rootCADER, contents: [.certificate(S.rootCA)], format: .der))
        spec.addFile(OutputFileSpec(name: F.intermediateCA, contents: [.certificate(S.intermediateCA)]))
        spec.addFile(OutputFileSpec(name: F.unrelatedCA, contents: [.certificate(S.unrelatedCA)]))
        spec.addFile(
            OutputFileSpec(
                name: F.rootAndIntermediate, contents: [.certificate(S.rootCA), .certificate(S.intermediateCA)]))
        spec.addFile(
            OutputFileSpec(
                name: F.intermediateAndRoot, contents: [.certificate(S.intermediateCA), .certificate(S.rootCA)]))
        spec.addFile(
            OutputFileSpec(
                name: F.serverChain,
                contents: [.certificate(S.Server.signedByIntermediate.rawValue), .certificate(S.intermediateCA)],
                owner: .server))
        spec.addFile(
            OutputFileSpec(
                name: F.clientChain,
                contents: [.certificate(S.Client.signedByIntermediate.rawValue), .certificate(S.intermediateCA)]))
        spec.addFile(OutputFileSpec(name: F.rootCRL, contents: [.crl("root-crl")]))
        spec.addFile(OutputFileSpec(name: F.rootCRLDER, contents: [.crl("root-crl")], format: .der))
        spec.addFile(OutputFileSpec(name: F.intermediateCRL, contents: [.crl("intermediate-crl")]))
        spec.addFile(
            OutputFileSpec(name: F.rootAndIntermediateCRL, contents: [.crl("root-crl"), .crl("intermediate-crl")]))
        spec.addFile(OutputFileSpec(name: F.expiredRootCRL, contents: [.crl("root-crl-expired")]))
        spec.addFile(
            OutputFileSpec(
                name: F.crlDirectory, contents: [.crl("root-crl"), .crl("intermediate-crl")], format: .hashedDirectory,
                owner: .server))
        spec.addFile(
            OutputFileSpec(
                name: F.caDirectory,
                contents: [
                    .certificate(S.rootCA), .certificate(S.intermediateCA), .crl("root-crl"), .crl("intermediate-crl"),
                ],
                format: .hashedDirectory))

        spec.addKeyVariants(S.Server.signedByRoot.rawValue, key: "server-key", owner: .server, options: options)
        spec.addKeyVariants(S.client(user: options.users[0]), key: "client-key", owner: .client, options: options)
        return spec
    }

    private mutating func addLeafFiles(_ certificate: String, key: String, owner: OutputFileSpec.OwnerRole) {
        addFile(OutputFileSpec(name: "\(certificate).crt", contents: [.certificate(certificate)], owner: owner))
        addFile(OutputFileSpec(name: "\(certificate).key", contents: [.privateKey(key)], owner: owner))
    }

    private mutating func addKeyVariants(
        _ certificate: String, key: String, owner: OutputFileSpec.OwnerRole, options: StandardPKI.Options
    ) {
        let traditionalPossible: Bool
        switch options.keyAlgorithm {
        case .rsa, .ecP256, .ecP384: traditionalPossible = true
        case .rsaPSS, .ed25519: traditionalPossible = false
        }
        for variant in StandardPKI.KeyVariant.allCases {
            var file = OutputFileSpec(
                name: StandardPKI.Files.key(certificate, variant), contents: [.privateKey(key)], owner: owner)
            switch variant {
            case .pkcs8Encrypted: file.keyEncoding = .pkcs8Encrypted(passphrase: options.passphrase)
            case .traditional:
                guard traditionalPossible else { continue }
                file.keyEncoding = .traditional
            case .traditionalEncrypted:
                guard traditionalPossible else { continue }
                file.keyEncoding = .traditionalEncrypted(passphrase: options.passphrase)
            case .der: file.format = .der
            case .mode0644: file.mode = 0o644
            case .mode0640: file.mode = 0o640
            case .rootOwned0640:
                guard owner == .server else { continue }
                file.mode = 0o640
                file.owner = .rootWithServerGroup
            }
            addFile(file)
        }
    }
}
