import Foundation
import Testing

@testable import ClusterKit

/// `openssl verify` must agree with what each standard certificate is meant to be.
@Suite("PKI chains against openssl verify")
struct PKIChainVerificationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var certificate: String
        var caFile: String
        var untrusted: String? = nil
        var extra: [String] = []
        var testDescription: String { "\(certificate) with \(caFile)\(untrusted.map { " + " + $0 } ?? "")" }
    }

    typealias F = StandardPKI.Files

    static let valid: [Case] = [
        Case(certificate: "server-root.crt", caFile: F.rootCA),
        Case(certificate: "server-intermediate.crt", caFile: F.rootCA, untrusted: F.intermediateCA),
        Case(certificate: "server-intermediate.crt", caFile: F.rootCA, untrusted: F.serverChain),
        Case(certificate: "server-intermediate.crt", caFile: F.rootAndIntermediate),
        Case(certificate: "server-intermediate.crt", caFile: F.intermediateAndRoot),
        Case(certificate: "server-self-signed.crt", caFile: "server-self-signed.crt"),
        Case(certificate: "server-unrelated-ca.crt", caFile: F.unrelatedCA),
        Case(certificate: "server-cn-only.crt", caFile: F.rootCA),
        Case(certificate: "server-san-ip.crt", caFile: F.rootCA),
        Case(certificate: "server-no-names.crt", caFile: F.rootCA),
        Case(certificate: "server-wildcard-san.crt", caFile: F.rootCA),
        Case(certificate: "client-alice.crt", caFile: F.rootCA),
        Case(certificate: "client-bob.crt", caFile: F.rootCA),
        Case(certificate: "client-email-cn.crt", caFile: F.rootCA),
        Case(certificate: "client-intermediate.crt", caFile: F.rootCA, untrusted: F.clientChain),
        Case(certificate: "intermediate-ca.crt", caFile: F.rootCA),
        // Not revoked, so a CRL check passes: both with a CRL file and with the hashed dir.
        Case(certificate: "server-root.crt", caFile: F.rootCA, extra: ["-crl_check", "-CRLfile", F.rootCRL]),
        Case(
            certificate: "server-intermediate.crt", caFile: F.rootCA, untrusted: F.intermediateCA,
            extra: ["-crl_check_all", "-CRLfile", F.rootAndIntermediateCRL]),
        Case(certificate: "client-alice.crt", caFile: F.rootCA, extra: ["-crl_check", "-CApath", F.crlDirectory]),
    ]

    @Test("valid chains verify", arguments: valid)
    func validChainVerifies(_ c: Case) async throws {
        let material = try PKITestSupport.standard("valid")
        let result = try await verify(c, in: material)
        #expect(result.ok, "\(result.output)")
        #expect(result.output.contains(": OK"))
    }

    struct Rejection: CustomTestStringConvertible, Sendable {
        var check: Case
        var reason: String
        var testDescription: String { "\(check.testDescription) -> \(reason)" }
    }

    static let rejected: [Rejection] = [
        Rejection(check: Case(certificate: "server-expired.crt", caFile: F.rootCA), reason: "certificate has expired"),
        Rejection(check: Case(certificate: "client-expired.crt", caFile: F.rootCA), reason: "certificate has expired"),
        Rejection(
            check: Case(certificate: "server-not-yet-valid.crt", caFile: F.rootCA),
            reason: "certificate is not yet valid"),
        Rejection(
            check: Case(certificate: "server-unrelated-ca.crt", caFile: F.rootCA),
            reason: "unable to get local issuer certificate"),
        Rejection(
            check: Case(certificate: "client-untrusted-ca.crt", caFile: F.rootCA),
            reason: "unable to get local issuer certificate"),
        Rejection(
            check: Case(certificate: "server-root.crt", caFile: F.unrelatedCA),
            reason: "unable to get local issuer certificate"),
        Rejection(
            check: Case(certificate: "server-intermediate.crt", caFile: F.rootCA),
            reason: "unable to get local issuer certificate"),
        Rejection(
            check: Case(
                certificate: "server-revoked.crt", caFile: F.rootCA, extra: ["-crl_check", "-CRLfile", F.rootCRL]),
            reason: "certificate revoked"),
        Rejection(
            check: Case(
                certificate: "client-revoked.crt", caFile: F.rootCA, extra: ["-crl_check", "-CRLfile", F.rootCRL]),
            reason: "certificate revoked"),
        Rejection(
            check: Case(
                certificate: "server-intermediate-revoked.crt", caFile: F.rootCA, untrusted: F.intermediateCA,
                extra: ["-crl_check_all", "-CRLfile", F.rootAndIntermediateCRL]), reason: "certificate revoked"),
        Rejection(
            check: Case(
                certificate: "server-revoked.crt", caFile: F.rootCA, extra: ["-crl_check", "-CApath", F.crlDirectory]),
            reason: "certificate revoked"),
        Rejection(
            check: Case(
                certificate: "server-intermediate-revoked.crt", caFile: F.rootCA, untrusted: F.intermediateCA,
                extra: ["-crl_check_all", "-CApath", F.caDirectory]), reason: "certificate revoked"),
        Rejection(
            check: Case(
                certificate: "server-root.crt", caFile: F.rootCA, extra: ["-crl_check", "-CRLfile", F.expiredRootCRL]),
            reason: "CRL has expired"),
        // -crl_check_all needs the intermediate's CRL too; a root CRL alone is not enough.
        Rejection(
            check: Case(
                certificate: "server-intermediate.crt", caFile: F.rootCA, untrusted: F.intermediateCA,
                extra: ["-crl_check_all", "-CRLfile", F.rootCRL]), reason: "unable to get certificate CRL"),
    ]

    @Test("broken chains fail with OpenSSL's reason", arguments: rejected)
    func brokenChainFails(_ r: Rejection) async throws {
        let material = try PKITestSupport.standard("rejected")
        let result = try await verify(r.check, in: material)
        #expect(!result.ok)
        #expect(result.output.contains(r.reason), "\(result.output)")
    }

    @Test("hashed directories use openssl's hash names")
    func hashedNames() async throws {
        let material = try PKITestSupport.standard("hash")
        let crlHash = try await PKITestSupport.run(["crl", "-in", try material.path(F.rootCRL), "-noout", "-hash"])
        let certHash = try await PKITestSupport.run([
            "x509", "-in", try material.path(F.rootCA), "-noout", "-subject_hash",
        ])
        let crlDir = try FileManager.default.contentsOfDirectory(atPath: try material.path(F.crlDirectory))
        let caDir = try FileManager.default.contentsOfDirectory(atPath: try material.path(F.caDirectory))
        let crlName = crlHash.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) + ".r0"
        let certName = certHash.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) + ".0"
        #expect(crlDir.contains(crlName))
        #expect(crlDir.count == 2)
        #expect(caDir.contains(certName))
        #expect(caDir.contains(crlName))
        #expect(caDir.count == 4)
    }

    private func verify(_ c: Case, in material: PKIMaterial) async throws -> (ok: Bool, output: String) {
        var options = ["-CAfile", try material.path(c.caFile)]
        if let untrusted = c.untrusted { options += ["-untrusted", try material.path(untrusted)] }
        var extra = c.extra
        for (index, word) in extra.enumerated() where index > 0 && ["-CRLfile", "-CApath"].contains(extra[index - 1]) {
            extra[index] = try material.path(word)
        }
        let certificate =
            material.files[c.certificate] ?? (material.directory as NSString).appendingPathComponent(c.certificate)
        return try await PKITestSupport.verify(options + extra, certificate)
    }
}
