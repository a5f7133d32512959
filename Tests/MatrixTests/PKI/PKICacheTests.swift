import Foundation
import Testing

@testable import ClusterKit

/// Generation happens once per distinct object; specs are checked before anything is built.
@Suite("PKI cache and spec validation")
struct PKICacheTests {
    @Test("an identical spec regenerates nothing; shared keys are reused across specs")
    func reuse() throws {
        let cache = PKICache()
        let account = try ServerAccount.current()
        let spec = PKISpec.standard()
        let first = try PKI.materialize(
            spec, into: PKITestSupport.freshDirectory("cache"), serverAccount: account, now: PKI.runStart, cache: cache)
        let afterFirst = cache.statistics
        #expect(afterFirst.keysGenerated == spec.keys.count)
        #expect(afterFirst.certificatesIssued == spec.certificates.count)
        #expect(afterFirst.crlsIssued == spec.crls.count)
        let second = try PKI.materialize(
            spec, into: PKITestSupport.freshDirectory("cache"), serverAccount: account, now: PKI.runStart, cache: cache)
        #expect(cache.statistics == afterFirst)
        #expect(second.certificates == first.certificates)

        // A different spec (one more user) shares every key and every unchanged certificate.
        let larger = PKISpec.standard(StandardPKI.Options(users: ["alice", "bob", "carol"]))
        let third = try PKI.materialize(
            larger, into: PKITestSupport.freshDirectory("cache"), serverAccount: account, now: PKI.runStart,
            cache: cache)
        #expect(cache.statistics.keysGenerated == afterFirst.keysGenerated)
        #expect(cache.statistics.certificatesIssued == afterFirst.certificatesIssued + 1)
        #expect(third.certificates["server-root"] == first.certificates["server-root"])
        #expect(third.certificates["client-carol"]?.subject == "CN=carol,O=pg-ssl-matrix")

        // Another `now` is another run: new certificates, same keys.
        _ = try PKI.materialize(
            spec, into: PKITestSupport.freshDirectory("cache"), serverAccount: account,
            now: PKI.runStart.addingTimeInterval(60), cache: cache)
        #expect(cache.statistics.keysGenerated == afterFirst.keysGenerated)
        #expect(cache.statistics.certificatesIssued > afterFirst.certificatesIssued + spec.certificates.count - 1)
    }

    @Test("concurrent materializations of one spec generate once")
    func concurrent() async throws {
        let cache = PKICache()
        let account = try ServerAccount.current()
        let spec = PKISpec.standard(StandardPKI.Options(users: ["dave"]))
        let fingerprints = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let material = try PKI.materialize(
                        spec, into: PKITestSupport.freshDirectory("conc\(index)"), serverAccount: account,
                        now: PKI.runStart, cache: cache)
                    return try material.certificate(StandardPKI.rootCA).sha256Fingerprint
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(fingerprints.count == 1)
        #expect(cache.statistics.keysGenerated == spec.keys.count)
        #expect(cache.statistics.certificatesIssued == spec.certificates.count)
    }

    @Test("the spec is plain data: JSON round trip")
    func codable() throws {
        let spec = PKISpec.standard(StandardPKI.Options(keyAlgorithm: .rsa3072))
        let data = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(PKISpec.self, from: data) == spec)
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        var label: String
        var spec: PKISpec
        var code: String
        var testDescription: String { label }
    }

    static var invalid: [Invalid] {
        let key = KeySpec(name: "k")
        let root = CertificateSpec.rootCA(name: "root", key: "k", subject: .commonName("r"))
        let other = CertificateSpec.rootCA(name: "other", key: "k", subject: .commonName("o"))
        let leaf = CertificateSpec.client(name: "leaf", key: "k", issuer: "other", subject: .commonName("l"))
        let cycleA = CertificateSpec.server(name: "a", key: "k", issuer: "b", subject: .commonName("a"))
        let cycleB = CertificateSpec.server(name: "b", key: "k", issuer: "a", subject: .commonName("b"))
        return [
            Invalid(
                label: "unknown issuer",
                spec: PKISpec(
                    keys: [key],
                    certificates: [
                        .server(name: "s", key: "k", issuer: "nowhere", subject: .commonName("s"))
                    ]), code: "unknown-pki-name"),
            Invalid(label: "unknown key", spec: PKISpec(certificates: [root]), code: "unknown-pki-name"),
            Invalid(
                label: "duplicate certificate", spec: PKISpec(keys: [key], certificates: [root, root]),
                code: "pki-spec-invalid"),
            Invalid(
                label: "revoking another CA's certificate",
                spec: PKISpec(
                    keys: [key], certificates: [root, other, leaf],
                    crls: [CRLSpec(name: "c", issuer: "root", revoked: ["leaf"])]), code: "pki-spec-invalid"),
            Invalid(
                label: "issuer cycle", spec: PKISpec(keys: [key], certificates: [cycleA, cycleB]),
                code: "pki-spec-invalid"),
            Invalid(
                label: "DER with two objects",
                spec: PKISpec(
                    keys: [key], certificates: [root, other],
                    files: [
                        OutputFileSpec(
                            name: "x.der", contents: [.certificate("root"), .certificate("other")], format: .der)
                    ]), code: "pki-spec-invalid"),
            Invalid(
                label: "file names an unknown CRL",
                spec: PKISpec(
                    keys: [key], certificates: [root],
                    files: [
                        OutputFileSpec(name: "x.crl", contents: [.crl("missing")])
                    ]), code: "unknown-pki-name"),
        ]
    }

    @Test("invalid specs are refused with a stable code", arguments: invalid)
    func refused(_ c: Invalid) throws {
        let error = #expect(throws: ClusterKitError.self) {
            try PKI.materialize(
                c.spec, into: PKITestSupport.freshDirectory("invalid"), serverAccount: try ServerAccount.current(),
                now: PKI.runStart, cache: PKICache())
        }
        #expect(error?.code == c.code, "\(String(describing: error))")
    }
}
