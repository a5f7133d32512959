import Foundation
import Testing

@testable import ClusterKit

/// `openssl x509 -text` must show exactly the names and extensions each spec asked for.
@Suite("PKI certificate contents against openssl x509")
struct PKIExtensionTests {
    struct Expectation: CustomTestStringConvertible, Sendable {
        var file: String
        var present: [String]
        var absent: [String] = []
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        Expectation(
            file: "root-ca.crt", present: ["CA:TRUE", "Certificate Sign, CRL Sign", "Subject Key Identifier"],
            absent: ["pathlen", "Extended Key Usage"]),
        Expectation(
            file: "intermediate-ca.crt",
            present: ["CA:TRUE, pathlen:0", "Certificate Sign, CRL Sign", "Authority Key Identifier"]),
        Expectation(
            file: "server-root.crt",
            present: [
                "X509v3 Basic Constraints: critical", "CA:FALSE", "Digital Signature, Key Encipherment",
                "TLS Web Server Authentication", "DNS:localhost", "Subject: O = pg-ssl-matrix, CN = localhost",
                "Subject Key Identifier", "Authority Key Identifier",
            ], absent: ["TLS Web Client Authentication"]),
        Expectation(
            file: "server-san-ip.crt", present: ["IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1"], absent: ["DNS:"]
        ),
        Expectation(file: "server-wildcard-san.crt", present: ["DNS:*.pg-ssl-matrix.test"]),
        Expectation(
            file: "server-cn-ip.crt", present: ["Subject: CN = 127.0.0.1"], absent: ["Subject Alternative Name"]),
        Expectation(
            file: "server-cn-only.crt", present: ["Subject: CN = localhost"], absent: ["Subject Alternative Name"]),
        Expectation(
            file: "server-no-names.crt", present: ["Subject: \n"],
            absent: ["Subject Alternative Name", "Subject: O", "Subject: CN"]),
        Expectation(file: "server-wrong-name.crt", present: ["DNS:wrong.example", "CN = wrong.example"]),
        Expectation(
            file: "client-alice.crt", present: ["TLS Web Client Authentication", "CN = alice", "CA:FALSE"],
            absent: ["TLS Web Server Authentication"]),
        Expectation(file: "client-email-cn.crt", present: ["Subject: CN = alice@example.com"]),
        Expectation(file: "client-untrusted-ca.crt", present: ["Issuer: O = Elsewhere Inc., CN = Unrelated Root CA"]),
    ]

    @Test("extensions and names", arguments: expectations)
    func contents(_ e: Expectation) async throws {
        let material = try PKITestSupport.standard("ext")
        let text = try await PKITestSupport.text(try material.path(e.file))
        for wanted in e.present { #expect(text.contains(wanted), "\(e.file) lacks \(wanted)") }
        for unwanted in e.absent { #expect(!text.contains(unwanted), "\(e.file) has \(unwanted)") }
    }

    @Test("multi-valued, UTF-8 RDNs and explicit extensions")
    func customSubject() async throws {
        var spec = PKISpec(keys: [KeySpec(name: "k")])
        let subject = DistinguishedName([
            [.init("C", "DE")], [.init("O", "Ünïcode GmbH")], [.init("OU", "DBA"), .init("OU", "Ops")],
            [.init("CN", "Jürgen"), .init("UID", "jd")],
        ])
        spec.addCertificate(
            CertificateSpec(
                name: "custom", key: "k", issuer: nil, subject: subject,
                subjectAlternativeNames: [.dns("db.example"), .email("j@example.com")],
                basicConstraints: .certificateAuthority(pathLength: 2), keyUsage: [.digitalSignature],
                extendedKeyUsage: [.serverAuth, .clientAuth], subjectKeyIdentifier: false,
                authorityKeyIdentifier: false,
                serialHex: "1234ABCD"))
        spec.addFile(OutputFileSpec(name: "custom.crt", contents: [.certificate("custom")]))
        let material = try PKI.materialize(
            spec, into: PKITestSupport.freshDirectory("custom"), serverAccount: try ServerAccount.current())
        let path = try material.path("custom.crt")
        let subjectLine = try await PKITestSupport.run([
            "x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb",
        ])
        let shown = subjectLine.standardOutput
        #expect(shown.contains("O=Ünïcode GmbH"), "\(shown)")
        #expect(shown.contains("CN=Jürgen+UID=jd") || shown.contains("UID=jd+CN=Jürgen"), "\(shown)")
        #expect(shown.contains("OU=DBA+OU=Ops") || shown.contains("OU=Ops+OU=DBA"), "\(shown)")
        #expect(
            try material.certificate("custom").subject
                == shown.replacingOccurrences(of: "subject=", with: "")
                .trimmingCharacters(in: .whitespacesAndNewlines))
        let text = try await PKITestSupport.text(path)
        #expect(text.contains("CA:TRUE, pathlen:2"))
        #expect(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
        #expect(text.contains("email:j@example.com"))
        #expect(!text.contains("Subject Key Identifier"))
        #expect(!text.contains("Authority Key Identifier"))
        let serial = try await PKITestSupport.run(["x509", "-in", path, "-noout", "-serial"])
        #expect(serial.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "serial=1234ABCD")
    }

    @Test("serials and fingerprints match openssl and are unique per CA")
    func serialsAndFingerprints() async throws {
        let material = try PKITestSupport.standard("serials")
        for name in ["root-ca", "server-root", "client-alice", "server-intermediate"] {
            let path = try material.path(name == "root-ca" ? StandardPKI.Files.rootCA : "\(name).crt")
            let result = try await PKITestSupport.run([
                "x509", "-in", path, "-noout", "-serial", "-fingerprint", "-sha256",
            ])
            let facts = try material.certificate(name)
            #expect(result.standardOutput.contains("serial=\(facts.serialHex)"))
            #expect(result.standardOutput.contains("Fingerprint=\(facts.sha256Fingerprint)"))
        }
        let byIssuer = Dictionary(grouping: material.certificates.values, by: \.issuer)
        for (issuer, certificates) in byIssuer {
            #expect(Set(certificates.map(\.serialHex)).count == certificates.count, "duplicate serial under \(issuer)")
        }
    }

    @Test("DER files parse with -inform DER")
    func derFiles() async throws {
        let material = try PKITestSupport.standard("der")
        let cert = try await PKITestSupport.run([
            "x509", "-inform", "DER", "-in", try material.path(StandardPKI.Files.rootCADER), "-noout", "-subject",
        ])
        #expect(cert.succeeded, "\(cert.combinedOutput)")
        #expect(cert.standardOutput.contains("pg-ssl-matrix Root CA"))
        let crl = try await PKITestSupport.run([
            "crl", "-inform", "DER", "-in", try material.path(StandardPKI.Files.rootCRLDER), "-noout", "-text",
        ])
        #expect(crl.succeeded, "\(crl.combinedOutput)")
        #expect(crl.standardOutput.contains("Serial Number: \(try material.certificate("server-revoked").serialHex)"))
        let key = try await PKITestSupport.run([
            "pkey", "-inform", "DER", "-in", try material.path(StandardPKI.Files.key("client-alice", .der)), "-noout",
        ])
        #expect(key.succeeded, "\(key.combinedOutput)")
        let pem = try String(contentsOfFile: try material.path(StandardPKI.Files.rootCADER), encoding: .isoLatin1)
        #expect(!pem.contains("-----BEGIN"))
    }

    @Test("CRLs revoke exactly the named certificates and expire when asked")
    func crlContents() async throws {
        let material = try PKITestSupport.standard("crl")
        let root = try await PKITestSupport.run([
            "crl", "-in", try material.path(StandardPKI.Files.rootCRL), "-noout", "-text",
        ])
        #expect(root.standardOutput.contains(try material.certificate("server-revoked").serialHex))
        #expect(root.standardOutput.contains(try material.certificate("client-revoked").serialHex))
        #expect(!root.standardOutput.contains(try material.certificate("server-root").serialHex))
        #expect(root.standardOutput.contains("X509v3 CRL Number"))
        #expect(root.standardOutput.contains("Authority Key Identifier"))
        let bundle = try String(
            contentsOfFile: try material.path(StandardPKI.Files.rootAndIntermediateCRL), encoding: .utf8)
        #expect(bundle.components(separatedBy: "-----BEGIN X509 CRL-----").count == 3)
    }
}
