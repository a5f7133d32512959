import ClusterKit
import Foundation

/// The certificates a model group needs, built from the model's own vocabulary
/// (`ServerChain`, `ServerNames`, `ClientCertificate`) so that what the model reasons about
/// is exactly what is on disk: subjects are `CN=<name>` only, as the model assumes.
///
/// Every group gets the same CAs and keys (the PKI cache makes them once per run); only the
/// leaves and files differ.
enum MatrixPKI {
    static let root = "root-ca"
    static let intermediate = "intermediate-ca"
    /// Issues the "unrelated CA" server leaf and the untrusted client certificate.
    static let unrelated = "unrelated-ca"
    /// What the client trusts in `trust unrelated-ca`: a CA that issued nothing anywhere, so
    /// it is unrelated to the server chain whatever that chain is (also to `unrelated-ca`).
    static let trustOnly = "trust-only-ca"
    static let forged = "forged-root-ca"
    static let passphrase = "matrix-passphrase"

    // Files the realizer refers to.
    static let serverCert = "server.crt"
    static let serverKey = "server.key"
    static let serverKeyEncrypted = "server.encrypted.key"
    static let serverCAFileRoot = "server-ca-root.crt"
    static let serverCAFileBundle = "server-ca-root+intermediate.crt"
    static let serverCRLFile = "server-root.crl"
    static let serverCRLDir = "server-crl-dir"
    static let clientRoot = "client-root.crt"
    static let clientRootAndIntermediate = "client-root+intermediate.crt"
    static let clientIntermediate = "client-intermediate.crt"
    static let clientUnrelated = "client-unrelated.crt"
    static let clientCRLRoot = "client-root.crl"
    static let clientCRLIntermediate = "client-intermediate.crl"
    static let clientCRLAll = "client-all.crl"
    static let clientCRLDirRoot = "client-crl-dir-root"
    static let clientCRLDirIntermediate = "client-crl-dir-intermediate"
    static let clientCRLDirAll = "client-crl-dir-all"

    static func clientCertFile(_ user: String, _ variant: ClientCertificate) -> String {
        "client-\(user)-\(fileSafe(variant.rawValue)).crt"
    }
    static func clientKeyFile(_ user: String, _ variant: ClientCertificate) -> String {
        "client-\(user)-\(fileSafe(variant.rawValue)).key"
    }
    static func fileSafe(_ s: String) -> String { ClientCertificate.fileSafe(s) }

    static func leafName(_ chain: ServerChain, _ names: ServerNames) -> String {
        "server-\(chain.rawValue)-\(names.rawValue)"
    }

    static func spec(server: ServerSide, clientCertificates: Set<ClientIdentity>) -> PKISpec {
        var spec = PKISpec()
        // Every CA has its own key (and so its own subject key identifier).
        for key in ["root-key", "intermediate-key", "unrelated-key", "trust-only-key", "forged-key"] {
            spec.addKey(KeySpec(name: key))
        }
        spec.addKey(KeySpec(name: "server-key"))
        spec.addKey(KeySpec(name: "client-key"))
        spec.addKey(KeySpec(name: "other-client-key"))
        spec.addCertificate(.rootCA(name: root, key: "root-key", subject: .commonName(MatrixCA.root.commonName)))
        spec.addCertificate(
            .intermediateCA(
                name: intermediate, key: "intermediate-key", issuer: root,
                subject: .commonName(MatrixCA.intermediate.commonName)))
        spec.addCertificate(
            .rootCA(name: unrelated, key: "unrelated-key", subject: .commonName(MatrixCA.unrelated.commonName)))
        spec.addCertificate(.rootCA(name: trustOnly, key: "trust-only-key", subject: .commonName("trust-only CA")))
        // A forger's "root": the real root's subject name with another key.
        spec.addCertificate(.rootCA(name: forged, key: "forged-key", subject: .commonName(MatrixCA.root.commonName)))

        // The server leaf: issuer and validity from the chain, names from ServerNames.
        let leaf = leafName(server.chain, server.names)
        let issuer: String?
        var validity = Validity.current()
        switch server.chain {
        case .rootSigned, .revoked, .noServerAuth: issuer = root
        case .forgedRoot: issuer = forged
        case .intermediateBundled, .intermediateUnbundled: issuer = intermediate
        case .selfSigned: issuer = nil
        case .unrelatedCA: issuer = unrelated
        case .expired: issuer = root; validity = .expired
        case .notYetValid: issuer = root; validity = .notYetValid
        }
        let subject =
            server.names.commonName.map { DistinguishedName.commonName($0) }
            ?? DistinguishedName([("O", "pg-ssl-matrix")])
        let sans: [ClusterKit.SubjectAlternativeName] = server.names.subjectAltNames.map {
            switch $0 {
            case .dns(let n): .dns(n)
            case .ip(let a): .ipAddress(a)
            }
        }
        var leafSpec = CertificateSpec.server(
            name: leaf, key: "server-key", issuer: issuer, subject: subject, subjectAlternativeNames: sans,
            validity: validity)
        // The forged leaf carries no authority key identifier, so a verifier finds the real
        // root by name alone and then fails its signature check.
        if server.chain == .forgedRoot { leafSpec.authorityKeyIdentifier = false }
        if server.chain == .noServerAuth { leafSpec.extendedKeyUsage = [.clientAuth] }
        spec.addCertificate(leafSpec)

        // Client leaves this group uses.
        var revokedByRoot: [String] = server.chain == .revoked ? [leaf] : []
        for identity in clientCertificates.sorted(by: {
            ($0.user, $0.variant.rawValue) < ($1.user, $1.variant.rawValue)
        }) {
            let v = identity.variant
            let name = v.pkiName(for: identity.user)
            let cn = v.commonName(for: identity.user) ?? identity.user
            let clientIssuer: String =
                switch v.issuer {
                case .root: root
                case .intermediate: intermediate
                case .unrelated: unrelated
                }
            var clientSpec = CertificateSpec.client(
                name: name, key: "client-key", issuer: clientIssuer, subject: .commonName(cn),
                validity: v == .expired ? .expired : .current())
            if v == .noClientAuth { clientSpec.extendedKeyUsage = [.serverAuth] }
            spec.addCertificate(clientSpec)
            if v == .revoked { revokedByRoot.append(name) }
            let certContents: [OutputFileSpec.Object] =
                v == .leafPlusIntermediate
                ? [.certificate(name), .certificate(intermediate)] : [.certificate(name)]
            spec.addFile(OutputFileSpec(name: clientCertFile(identity.user, v), contents: certContents))
            let keyObject = v == .mismatchedKey ? "other-client-key" : "client-key"
            let encoding: PrivateKeyEncoding =
                v.rawValue.hasPrefix("encrypted-key") ? .pkcs8Encrypted(passphrase: passphrase) : .pkcs8
            let mode: UInt16 =
                switch v {
                case .keyWorldReadable: 0o644
                case .keyGroupReadableUser, .keyGroupReadableRoot: 0o640
                default: 0o600
                }
            spec.addFile(
                OutputFileSpec(
                    name: clientKeyFile(identity.user, v), contents: [.privateKey(keyObject)],
                    keyEncoding: encoding, mode: mode, owner: ClientIdentity.keyOwner(v)))
        }

        spec.addCRL(CRLSpec(name: "root-crl", issuer: root, revoked: revokedByRoot))
        spec.addCRL(CRLSpec(name: "intermediate-crl", issuer: intermediate, revoked: []))

        // Server files.
        let serverContents: [OutputFileSpec.Object] =
            server.chain == .intermediateBundled
            ? [.certificate(leaf), .certificate(intermediate)] : [.certificate(leaf)]
        spec.addFile(OutputFileSpec(name: serverCert, contents: serverContents, owner: .server))
        spec.addFile(OutputFileSpec(name: serverKey, contents: [.privateKey("server-key")], owner: .server))
        spec.addFile(
            OutputFileSpec(
                name: serverKeyEncrypted, contents: [.privateKey("server-key")],
                keyEncoding: .pkcs8Encrypted(passphrase: passphrase), owner: .server))
        spec.addFile(OutputFileSpec(name: serverCAFileRoot, contents: [.certificate(root)], owner: .server))
        spec.addFile(
            OutputFileSpec(
                name: serverCAFileBundle, contents: [.certificate(root), .certificate(intermediate)], owner: .server))
        spec.addFile(OutputFileSpec(name: serverCRLFile, contents: [.crl("root-crl")], owner: .server))
        spec.addFile(
            OutputFileSpec(name: serverCRLDir, contents: [.crl("root-crl")], format: .hashedDirectory, owner: .server))

        // Client trust stores and CRLs.
        spec.addFile(OutputFileSpec(name: clientRoot, contents: [.certificate(root)]))
        spec.addFile(
            OutputFileSpec(name: clientRootAndIntermediate, contents: [.certificate(root), .certificate(intermediate)]))
        spec.addFile(OutputFileSpec(name: clientIntermediate, contents: [.certificate(intermediate)]))
        spec.addFile(OutputFileSpec(name: clientUnrelated, contents: [.certificate(trustOnly)]))
        spec.addFile(OutputFileSpec(name: clientCRLRoot, contents: [.crl("root-crl")]))
        spec.addFile(OutputFileSpec(name: clientCRLIntermediate, contents: [.crl("intermediate-crl")]))
        spec.addFile(OutputFileSpec(name: clientCRLAll, contents: [.crl("root-crl"), .crl("intermediate-crl")]))
        spec.addFile(OutputFileSpec(name: clientCRLDirRoot, contents: [.crl("root-crl")], format: .hashedDirectory))
        spec.addFile(
            OutputFileSpec(
                name: clientCRLDirIntermediate, contents: [.crl("intermediate-crl")], format: .hashedDirectory))
        spec.addFile(
            OutputFileSpec(
                name: clientCRLDirAll, contents: [.crl("root-crl"), .crl("intermediate-crl")], format: .hashedDirectory)
        )
        return spec
    }
}

/// A client certificate variant for one role.
struct ClientIdentity: Hashable, Sendable {
    let user: String
    let variant: ClientCertificate

    /// libpq judges a key by its owner, not by who runs the client (fe-secure-openssl.c
    /// initialize_SSL: a root-owned key may be 0640, any other owner's must be 0600 or less).
    /// "0640 owned by a non-root user" is therefore given to the server account, which is
    /// never root: a root client can read it and libpq sees a non-root owner. A non-root run
    /// owns its client files itself, which is the same case.
    static func keyOwner(_ variant: ClientCertificate) -> OutputFileSpec.OwnerRole {
        variant == .keyGroupReadableUser ? .server : .client
    }
}
