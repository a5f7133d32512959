import ClusterKit
import Foundation
import Testing

/// `sslmatrix inspect` as a DBA runs it: the real CLI on generated certificates.
@Suite("sslmatrix inspect")
struct InspectCommandTests {
    @Test(
        "reports subject, SANs and days left; --warn-days fails on a certificate about to expire; bad files get one clear error"
    )
    func inspect() async throws {
        let ws = try Workspace.shared()
        var spec = PKISpec()
        spec.addKey(KeySpec(name: "k"))
        spec.addCertificate(.rootCA(name: "root", key: "k", subject: .commonName("inspect root")))
        spec.addCertificate(
            .server(
                name: "leaf", key: "k", issuer: "root", subject: .commonName("db.example.test"),
                subjectAlternativeNames: [.dns("db.example.test"), .ipAddress("127.0.0.1")],
                validity: .current(days: 10)))
        spec.addFile(OutputFileSpec(name: "chain.crt", contents: [.certificate("leaf"), .certificate("root")]))
        let material = try PKI.materialize(
            spec, into: ws.clientDirectory + "/inspect-\(UUID())", serverAccount: ws.account)
        let chain = try material.path("chain.crt")

        let ok = try await Command.run(PackagePaths.sslmatrix, ["inspect", chain])
        #expect(ok.exitCode == 0, "\(ok.combinedOutput)")
        #expect(ok.standardOutput.contains("db.example.test"))
        #expect(ok.standardOutput.contains("127.0.0.1"))
        #expect(ok.standardOutput.contains("inspect root"))

        let warn = try await Command.run(PackagePaths.sslmatrix, ["inspect", "--warn-days", "30", chain])
        #expect(warn.exitCode == 1)

        let bad = try await Command.run(PackagePaths.sslmatrix, ["inspect", "/etc/hostname"])
        #expect(bad.exitCode == 2)
        #expect(bad.standardError.contains("Cannot read /etc/hostname"))
    }
}
