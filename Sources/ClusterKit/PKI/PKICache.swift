import Foundation
import Synchronization

/// The objects one spec produced at one `now`: OpenSSL handles plus their printable facts.
struct BuiltPKI: Sendable {
    var keys: [String: OpenSSLKey] = [:]
    var certificates: [String: OpenSSLCertificate] = [:]
    var crls: [String: OpenSSLCRL] = [:]
    var facts: [String: PKIMaterial.Certificate] = [:]
    /// Certificate name -> name of the key it certifies (an issuer signs with that key).
    var certificateKeyNames: [String: String] = [:]
}

/// Per-process memory of every key, certificate and CRL built, so that the matrix (which
/// materializes the same PKI for hundreds of cases) pays for key generation once.
///
/// Content-addressed at three levels: a whole spec; a certificate by its spec, key, issuer
/// certificate (fingerprint) and `now`; a key by name and algorithm. Building happens under
/// the lock: two threads asking for the same spec must not both generate RSA keys, and
/// generation is rare enough that serialising it costs nothing that matters.
final class PKICache: Sendable {
    static let shared = PKICache()

    /// How much work the cache has done; tests use it to prove that a repeat is free.
    struct Statistics: Hashable, Sendable {
        var keysGenerated = 0
        var certificatesIssued = 0
        var crlsIssued = 0
    }

    private struct CertificateKey: Hashable {
        var spec: CertificateSpec
        var key: KeySpec
        var issuerFingerprint: [UInt8]?
        var now: Date
    }

    private struct CRLKey: Hashable {
        var spec: CRLSpec
        var issuerFingerprint: [UInt8]
        var revokedSerials: [[UInt8]]
        var now: Date
    }

    private struct SpecKey: Hashable {
        var spec: PKISpec
        var now: Date
    }

    private struct State {
        var keys: [KeySpec: OpenSSLKey] = [:]
        var certificates: [CertificateKey: (OpenSSLCertificate, PKIMaterial.Certificate)] = [:]
        var crls: [CRLKey: OpenSSLCRL] = [:]
        var specs: [SpecKey: BuiltPKI] = [:]
        var statistics = Statistics()
    }

    private let state = Mutex(State())

    var statistics: Statistics { state.withLock { $0.statistics } }

    /// Forgets everything (the benchmark's "cold" runs; tests that need fresh keys).
    func removeAll() {
        state.withLock { $0 = State() }
    }

    func objects(for spec: PKISpec, now: Date) throws -> BuiltPKI {
        let order = try spec.validatedIssuingOrder()
        return try state.withLock { state throws -> BuiltPKI in
            let specKey = SpecKey(spec: spec, now: now)
            if let built = state.specs[specKey] { return built }
            var built = BuiltPKI()
            let keySpecs = Dictionary(uniqueKeysWithValues: spec.keys.map { ($0.name, $0) })
            for keySpec in spec.keys {
                if let key = state.keys[keySpec] {
                    built.keys[keySpec.name] = key
                } else {
                    let key = try OpenSSLKey.generate(keySpec.algorithm)
                    state.keys[keySpec] = key
                    state.statistics.keysGenerated += 1
                    built.keys[keySpec.name] = key
                }
            }
            for certificateSpec in order {
                built.certificateKeyNames[certificateSpec.name] = certificateSpec.key
                let issuer = certificateSpec.issuer.flatMap { $0 == certificateSpec.name ? nil : $0 }
                let issuerFingerprint = try issuer.map { try built.certificates[$0]!.sha256Fingerprint() }
                let cacheKey = CertificateKey(
                    spec: certificateSpec, key: keySpecs[certificateSpec.key]!, issuerFingerprint: issuerFingerprint,
                    now: now)
                if let (certificate, facts) = state.certificates[cacheKey] {
                    built.certificates[certificateSpec.name] = certificate
                    built.facts[certificateSpec.name] = facts
                    continue
                }
                let request = try Self.request(for: certificateSpec, issuer: issuer, built: built, now: now)
                let certificate = try OpenSSLCertificate.issue(request, label: certificateSpec.name)
                let facts = try Self.facts(certificateSpec.name, certificate)
                state.certificates[cacheKey] = (certificate, facts)
                state.statistics.certificatesIssued += 1
                built.certificates[certificateSpec.name] = certificate
                built.facts[certificateSpec.name] = facts
            }
            for crlSpec in spec.crls {
                let issuer = built.certificates[crlSpec.issuer]!
                let serials = crlSpec.revoked.map { built.certificates[$0]!.serialBytes }
                let cacheKey = CRLKey(
                    spec: crlSpec, issuerFingerprint: try issuer.sha256Fingerprint(), revokedSerials: serials, now: now)
                if let crl = state.crls[cacheKey] {
                    built.crls[crlSpec.name] = crl
                    continue
                }
                let issuerKey = built.keys[spec.certificate(named: crlSpec.issuer)!.key]!
                let crl = try OpenSSLCRL.issue(
                    issuer: issuer, key: issuerKey, revokedSerials: serials,
                    revocationDate: now.addingTimeInterval(-3_600),
                    lastUpdate: now.addingTimeInterval(TimeInterval(crlSpec.validity.notBeforeOffset)),
                    nextUpdate: now.addingTimeInterval(TimeInterval(crlSpec.validity.notAfterOffset)),
                    number: crlSpec.number, label: crlSpec.name)
                state.crls[cacheKey] = crl
                state.statistics.crlsIssued += 1
                built.crls[crlSpec.name] = crl
            }
            state.specs[specKey] = built
            return built
        }
    }

    private static func request(
        for spec: CertificateSpec, issuer: String?, built: BuiltPKI, now: Date
    ) throws -> CertificateRequest {
        let subjectKey = built.keys[spec.key]!
        var issuerPair: (certificate: OpenSSLCertificate, key: OpenSSLKey)? = nil
        if let issuer {
            guard let issuerCertificate = built.certificates[issuer] else {
                throw ClusterKitError.unknownPKIName(name: issuer)
            }
            issuerPair = (issuerCertificate, try issuerKey(of: issuer, built: built, certificate: issuerCertificate))
        }
        return CertificateRequest(
            serial: try serial(
                for: spec, issuerFingerprint: try issuerPair?.certificate.sha256Fingerprint(), subjectKey: subjectKey,
                now: now),
            subject: spec.subject, subjectKey: subjectKey, issuer: issuerPair,
            notBefore: spec.validity.bounds(now: now).notBefore,
            notAfter: spec.validity.bounds(now: now).notAfter,
            extensions: try spec.extensionLines())
    }

    /// The issuer's key: the key whose public half is in the issuer certificate.
    private static func issuerKey(
        of issuer: String, built: BuiltPKI, certificate: OpenSSLCertificate
    ) throws -> OpenSSLKey {
        guard let name = built.certificateKeyNames[issuer], let key = built.keys[name] else {
            throw ClusterKitError.unknownPKIName(name: issuer)
        }
        return key
    }

    /// Serials are 127-bit values derived from everything that makes the certificate
    /// distinct under its issuer (spec, subject key, issuer certificate, `now`): unique per
    /// CA without a counter, and stable for a cached certificate. A spec may fix one instead.
    private static func serial(
        for spec: CertificateSpec, issuerFingerprint: [UInt8]?, subjectKey: OpenSSLKey, now: Date
    ) throws -> [UInt8] {
        if let hex = spec.serialHex {
            guard let bytes = PKIText.bytes(fromHex: hex), !bytes.isEmpty else {
                throw ClusterKitError.pkiSpecInvalid(reason: "certificate '\(spec.name)': serial '\(hex)' is not hex")
            }
            return bytes
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var input = try encoder.encode(spec)
        input.append(contentsOf: issuerFingerprint ?? Array("self-signed".utf8))
        input.append(try subjectKey.publicKeyDER())
        input.append(contentsOf: Array("\(now.timeIntervalSince1970)".utf8))
        var serial = Array(try OpenSSLDigest.sha256(input).prefix(16))
        serial[0] = (serial[0] & 0x7F) | 0x40  // positive, and always 16 bytes long
        return serial
    }

    private static func facts(_ name: String, _ certificate: OpenSSLCertificate) throws -> PKIMaterial.Certificate {
        PKIMaterial.Certificate(
            name: name, serialHex: PKIText.hex(certificate.serialBytes), subject: certificate.subject,
            issuer: certificate.issuerName,
            sha256Fingerprint: PKIText.hex(try certificate.sha256Fingerprint(), separator: ":"),
            notBefore: certificate.notBefore, notAfter: certificate.notAfter, isCA: certificate.isCA)
    }
}
