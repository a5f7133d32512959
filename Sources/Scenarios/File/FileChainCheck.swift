import ClusterKit
import Foundation

/// OpenSSL's X509_verify_cert, as the model needs it, over a scenario file's own PKI: build
/// the chain from a leaf through the certificates the peer sent and the trust file, then
/// check it in X509_verify_cert's order (build_chain, check_chain purpose, revocation with
/// X509_V_FLAG_CRL_CHECK_ALL, internal_verify times from the anchor down). The answer is a
/// `ChainFailure`, the same value the matrix's named chains give the predictor.
///
/// Anything this does not decide the way OpenSSL would (two CAs sharing a subject, an
/// intermediate that is not a CA, an expired CRL, ...) is `FileModelTranslator.Outside`.
struct FileChainCheck {
    let pki: PKISpec
    let now: Date

    /// Which side verifies: libpq checks the server chain for "ssl_server", the server a
    /// client chain for "ssl_client".
    enum Purpose { case server, client }

    func certificate(_ name: String) -> CertificateSpec? { pki.certificates.first { $0.name == name } }

    func key(of cert: CertificateSpec) -> KeySpec? { pki.keys.first { $0.name == cert.key } }

    /// - sent: the peer's certificates, leaf first; trusted: the trust file's certificates;
    ///   crls: the CRLs loaded when `crlCheck` (nil: no CRL checking).
    func verify(
        sent: [String], trusted: [String], crls: [String]?, purpose: Purpose
    ) throws(FileModelTranslator.Outside) -> ChainFailure? {
        guard let leafName = sent.first, let leaf = certificate(leafName) else {
            throw .init("pki", "names no certificate to verify")
        }
        let available = Set(sent + trusted)
        // Two different CAs with one subject: OpenSSL picks an issuer by name (and key
        // identifier), which the model does not follow.
        let candidates = available.compactMap(certificate).filter { $0.basicConstraints != .endEntity }
        for c in candidates where candidates.contains(where: { $0.name != c.name && $0.subject == c.subject }) {
            throw .init("pki.certificates.\(c.name)", "shares its subject with another CA the chain can reach")
        }
        // build_chain: issuers by the file's `issuer`, from what was sent or is trusted.
        var chain = [leaf]
        var anchored = false
        while true {
            let current = chain.last!
            if trusted.contains(current.name), current.issuer == nil {
                anchored = true
                break
            }
            guard let issuerName = current.issuer else {
                return .unknownIssuer(chain.count == 1 ? "self-signed leaf, depth 0" : "self-signed root not trusted")
            }
            guard available.contains(issuerName), let issuer = certificate(issuerName) else {
                return .unknownIssuer("issuer \(issuerName) neither sent nor trusted")
            }
            if chain.contains(where: { $0.name == issuer.name }) { throw .init("pki", "has an issuer loop") }
            chain.append(issuer)
            if chain.count > 10 { throw .init("pki", "has a chain deeper than the model follows") }
        }
        guard anchored else { return .unknownIssuer("no trusted root") }
        // check_chain_extensions / check_purpose.
        for (depth, c) in chain.enumerated() {
            if depth > 0 {
                guard case .certificateAuthority(let pathLength) = c.basicConstraints else {
                    throw .init("pki.certificates.\(c.name)", "issues certificates without being a CA")
                }
                if let pathLength, depth - 1 > pathLength {
                    throw .init("pki.certificates.\(c.name)", "has a pathlen the chain exceeds")
                }
                if let ku = c.keyUsage, !ku.contains(.keyCertSign) {
                    throw .init("pki.certificates.\(c.name).key_usage", "lacks keyCertSign on a CA")
                }
            } else if let ku = c.keyUsage, !ku.contains(.digitalSignature) {
                throw .init("pki.certificates.\(c.name).key_usage", "lacks digitalSignature on a TLS leaf")
            }
        }
        let wanted: ExtendedKeyUsage = purpose == .server ? .serverAuth : .clientAuth
        if chain.contains(where: { $0.extendedKeyUsage.map { !$0.contains(wanted) } ?? false }) {
            return .invalidPurpose
        }
        // check_revocation with CRL_CHECK_ALL: every certificate of the chain, leaf first,
        // needs a CRL from its issuer (the root its own).
        if let crls {
            for c in chain {
                let issuer = c.issuer ?? c.name
                let matching = pki.crls.filter { crls.contains($0.name) && $0.issuer == issuer }
                guard !matching.isEmpty else { return .crlMissing }
                for crl in matching {
                    let (from, until) = crl.validity.bounds(now: now)
                    if from > now || until < now {
                        throw .init(
                            "pki.crls.\(crl.name)", "is not current, a CRL time check the model does not follow")
                    }
                }
                if matching.contains(where: { $0.revoked.contains(c.name) }) { return .revoked }
            }
        }
        // internal_verify: from the anchor down, notBefore then notAfter.
        for c in chain.reversed() {
            let (from, until) = c.validity.bounds(now: now)
            if from > now { return .notYetValid }
            if until < now { return .expired }
        }
        return nil
    }

    /// The subject as the server prints it (X509_NAME_print_ex with XN_FLAG_RFC2253): last
    /// RDN first, RFC 2253 escapes, bytes above 0x7F as \XX.
    static func rfc2253(_ name: DistinguishedName) -> String {
        name.relativeDistinguishedNames.reversed().map { rdn in
            rdn.map { "\(shortName($0.type))=\(escaped($0.value))" }.joined(separator: "+")
        }.joined(separator: ",")
    }

    static func shortName(_ type: String) -> String {
        ["commonName": "CN", "organizationName": "O", "organizationalUnitName": "OU", "countryName": "C"][type] ?? type
    }

    static func escaped(_ value: String) -> String {
        var out = ""
        let bytes = Array(value.utf8)
        for (i, b) in bytes.enumerated() {
            let c = Character(Unicode.Scalar(b))
            if b > 0x7F {
                out += String(format: "\\%02X", b)
            } else if ",+\"\\<>;".contains(c) || (i == 0 && (c == "#" || c == " "))
                || (i == bytes.count - 1 && c == " ")
            {
                out += "\\" + String(c)
            } else if b < 0x20 || b == 0x7F {
                out += String(format: "\\%02X", b)
            } else {
                out.append(c)
            }
        }
        return out
    }
}
