import Foundation
import Testing

@testable import ClusterKit

/// The inspector reads what the PKI wrote (and what openssl says about it).
@Suite("PKI certificate inspector")
struct PKIInspectorTests {
    @Test("a bundle yields one report per certificate, in file order")
    func bundle() throws {
        let material = try PKITestSupport.standard("inspect")
        let inspection = try CertificateInspector.inspect(
            path: try material.path(StandardPKI.Files.rootAndIntermediate), now: material.now)
        try #require(inspection.certificates.count == 2)
        let root = inspection.certificates[0], intermediate = inspection.certificates[1]
        #expect(root.subject == "CN=pg-ssl-matrix Root CA,O=pg-ssl-matrix")
        #expect(root.subject == root.issuer)
        #expect(root.isCA && intermediate.isCA)
        #expect(intermediate.issuer == root.subject)
        #expect(root.serialHex == (try material.certificate(StandardPKI.rootCA).serialHex))
        #expect(root.sha256Fingerprint == (try material.certificate(StandardPKI.rootCA).sha256Fingerprint))
        #expect(root.keyType == "EC" && root.keyBits == 256 && root.curve == "prime256v1")
        #expect(root.daysLeft == 3650)
        #expect(inspection.description.contains("2 certificates, soonest expiry in 1825 days"))
        #expect(inspection.description.contains("(self-signed)"))
    }

    @Test("leaf facts: names, expiry, DER input")
    func leaves() throws {
        let material = try PKITestSupport.standard("inspect-leaf")
        let expired = try #require(
            CertificateInspector.inspect(path: try material.path("server-expired.crt"), now: material.now).certificates
                .first)
        #expect(expired.daysLeft == -1)
        #expect(expired.status == "EXPIRED")
        #expect(!expired.isCA)
        let future = try #require(
            CertificateInspector.inspect(path: try material.path("server-not-yet-valid.crt"), now: material.now)
                .certificates.first)
        #expect(future.status == "NOT YET VALID")
        let ip = try #require(
            CertificateInspector.inspect(path: try material.path("server-san-ip.crt")).certificates.first)
        #expect(ip.subjectAlternativeNames == ["IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1"])
        let dns = try #require(
            CertificateInspector.inspect(path: try material.path("server-root.crt")).certificates.first)
        #expect(dns.subjectAlternativeNames == ["DNS:localhost"])
        let none = try #require(
            CertificateInspector.inspect(path: try material.path("server-no-names.crt")).certificates.first)
        #expect(none.subject.isEmpty && none.subjectAlternativeNames.isEmpty)
        #expect(none.description.contains("subject:     (empty)"))
        let der = try CertificateInspector.inspect(path: try material.path(StandardPKI.Files.rootCADER))
        #expect(der.certificates.map(\.subject) == ["CN=pg-ssl-matrix Root CA,O=pg-ssl-matrix"])
        let report = CertificateInspector.format([
            der, try CertificateInspector.inspect(path: try material.path("server-expired.crt")),
        ])
        #expect(report.contains("[EXPIRED]") && report.contains("root-ca.der: 1 certificate"))
    }

    @Test("unreadable input: OpenSSL's reason in the error")
    func garbage() throws {
        let error = #expect(throws: ClusterKitError.self) {
            try CertificateInspector.inspect(data: Data("not a certificate".utf8), source: "garbage")
        }
        #expect(error?.code == "openssl")
        if case .openSSL(let operation, let reason)? = error {
            #expect(operation.contains("garbage"))
            #expect(reason.contains("asn1") || reason.contains("ASN1"), "\(reason)")
        }
        let missing = #expect(throws: ClusterKitError.self) {
            try CertificateInspector.inspect(path: "/nonexistent/x.crt")
        }
        #expect(missing?.code == "unreadable-file")
    }
}
