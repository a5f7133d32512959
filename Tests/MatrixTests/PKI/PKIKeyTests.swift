import Foundation
import Testing

@testable import ClusterKit

/// Every key type signs working chains, and every key encoding opens with openssl pkey.
@Suite("PKI keys and key files")
struct PKIKeyTests {
    static let algorithms: [KeyAlgorithm] = [
        .ecP256, .ecP384, .rsa2048, .rsa3072, .rsa4096, .rsaPSS(bits: 2048), .ed25519,
    ]

    /// Root + leaf with `algorithm`; the leaf key in PKCS#8 and (where possible) traditional form.
    static func pair(_ algorithm: KeyAlgorithm) -> PKISpec {
        var spec = PKISpec()
        spec.addKey(KeySpec(name: "ca-\(algorithm)", algorithm: algorithm))
        spec.addKey(KeySpec(name: "leaf-\(algorithm)", algorithm: algorithm))
        spec.addCertificate(.rootCA(name: "ca", key: "ca-\(algorithm)", subject: .commonName("CA \(algorithm)")))
        spec.addCertificate(
            .server(
                name: "leaf", key: "leaf-\(algorithm)", issuer: "ca", subject: .commonName("localhost"),
                subjectAlternativeNames: [.dns("localhost")]))
        spec.addCRL(CRLSpec(name: "crl", issuer: "ca", revoked: ["leaf"]))
        spec.addFile(OutputFileSpec(name: "ca.crt", contents: [.certificate("ca")]))
        spec.addFile(OutputFileSpec(name: "leaf.crt", contents: [.certificate("leaf")]))
        spec.addFile(OutputFileSpec(name: "leaf.key", contents: [.privateKey("leaf-\(algorithm)")]))
        spec.addFile(OutputFileSpec(name: "ca.crl", contents: [.crl("crl")]))
        return spec
    }

    @Test("each key type issues a chain openssl accepts", arguments: algorithms)
    func keyType(_ algorithm: KeyAlgorithm) async throws {
        let material = try PKI.materialize(
            Self.pair(algorithm), into: PKITestSupport.freshDirectory("key"), serverAccount: try ServerAccount.current()
        )
        let ca = try material.path("ca.crt"), leaf = try material.path("leaf.crt"), key = try material.path("leaf.key")
        let ok = try await PKITestSupport.verify(["-CAfile", ca], leaf)
        #expect(ok.ok, "\(ok.output)")
        let revoked = try await PKITestSupport.verify(
            ["-CAfile", ca, "-crl_check", "-CRLfile", try material.path("ca.crl")], leaf)
        #expect(revoked.output.contains("certificate revoked"), "\(revoked.output)")
        // The key file holds the private half of the certificate's public key.
        let fromKey = try await PKITestSupport.run(["pkey", "-in", key, "-pubout"])
        let fromCert = try await PKITestSupport.run(["x509", "-in", leaf, "-noout", "-pubkey"])
        #expect(fromKey.succeeded && fromKey.standardOutput == fromCert.standardOutput)
        let text = try await PKITestSupport.text(leaf)
        switch algorithm {
        case .ecP256: #expect(text.contains("NIST CURVE: P-256"))
        case .ecP384: #expect(text.contains("NIST CURVE: P-384"))
        case .rsa(let bits): #expect(text.contains("Public-Key: (\(bits) bit)") && text.contains("rsaEncryption"))
        case .rsaPSS(let bits): #expect(text.contains("Public-Key: (\(bits) bit)") && text.contains("rsassaPss"))
        case .ed25519: #expect(text.contains("ED25519"))
        }
        let report = try CertificateInspector.inspect(path: leaf)
        #expect(report.certificates.first?.keyBits == Self.bits(algorithm))
    }

    static func bits(_ algorithm: KeyAlgorithm) -> Int {
        switch algorithm {
        case .ecP256: 256
        case .ecP384: 384
        case .rsa(let bits), .rsaPSS(let bits): bits
        case .ed25519: 256
        }
    }

    @Test(
        "encrypted keys open with the right passphrase only",
        arguments: [StandardPKI.KeyVariant.pkcs8Encrypted, .traditionalEncrypted])
    func encryptedKeys(_ variant: StandardPKI.KeyVariant) async throws {
        let options = StandardPKI.Options(passphrase: "RIGHT-pass")
        let material = try PKITestSupport.standard("enc", options: options)
        for certificate in ["server-root", "client-alice"] {
            let path = try material.path(StandardPKI.Files.key(certificate, variant))
            let text = try String(contentsOfFile: path, encoding: .utf8)
            if variant == .pkcs8Encrypted {
                #expect(text.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
            } else {
                #expect(
                    text.hasPrefix("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,"))
            }
            let right = try await PKITestSupport.run(["pkey", "-in", path, "-passin", "pass:RIGHT-pass", "-noout"])
            #expect(right.succeeded, "\(right.combinedOutput)")
            let wrong = try await PKITestSupport.run(["pkey", "-in", path, "-passin", "pass:WRONG", "-noout"])
            #expect(!wrong.succeeded)
            #expect(
                wrong.combinedOutput.contains("bad decrypt") || wrong.combinedOutput.contains("Could not read"),
                "\(wrong.combinedOutput)")
        }
    }

    @Test("unencrypted key encodings: PKCS#8 and traditional RSA/EC headers")
    func plainEncodings() async throws {
        let material = try PKITestSupport.standard("plain")
        let pkcs8 = try String(contentsOfFile: try material.path("server-root.key"), encoding: .utf8)
        #expect(pkcs8.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let ec = try String(
            contentsOfFile: try material.path(StandardPKI.Files.key("server-root", .traditional)), encoding: .utf8)
        #expect(ec.hasPrefix("-----BEGIN EC PRIVATE KEY-----") && !ec.contains("Proc-Type"))

        var spec = PKISpec(keys: [KeySpec(name: "rsa", algorithm: .rsa2048)])
        spec.addFile(OutputFileSpec(name: "rsa.key", contents: [.privateKey("rsa")], keyEncoding: .traditional))
        spec.addFile(
            OutputFileSpec(
                name: "rsa-enc.key", contents: [.privateKey("rsa")],
                keyEncoding: .traditionalEncrypted(passphrase: "RIGHT")))
        let rsa = try PKI.materialize(
            spec, into: PKITestSupport.freshDirectory("rsa"), serverAccount: try ServerAccount.current())
        #expect(
            try String(contentsOfFile: try rsa.path("rsa.key"), encoding: .utf8).hasPrefix(
                "-----BEGIN RSA PRIVATE KEY-----"))
        let encrypted = try String(contentsOfFile: try rsa.path("rsa-enc.key"), encoding: .utf8)
        #expect(encrypted.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED"))
        let opened = try await PKITestSupport.run([
            "rsa", "-in", try rsa.path("rsa-enc.key"), "-passin", "pass:RIGHT", "-check", "-noout",
        ])
        #expect(opened.standardOutput.contains("RSA key ok"), "\(opened.combinedOutput)")
    }

    @Test("Ed25519 has no traditional form: a spec asking for one is refused")
    func ed25519Traditional() throws {
        var spec = PKISpec(keys: [KeySpec(name: "ed", algorithm: .ed25519)])
        spec.addFile(OutputFileSpec(name: "ed.key", contents: [.privateKey("ed")], keyEncoding: .traditional))
        let error = #expect(throws: ClusterKitError.self) {
            try PKI.materialize(
                spec, into: PKITestSupport.freshDirectory("ed"), serverAccount: try ServerAccount.current())
        }
        #expect(error?.code == "pki-spec-invalid")
    }
}
