import Testing

@testable import Scenarios

/// The DETAIL a 16+ server logs when it refuses a client certificate (be-secure-openssl.c
/// verify_cb), and the 18 wording of the map= error: both chosen by the server major only.
@Suite("Model: 16+ client certificate DETAIL, 18 map= wording")
struct ModelClientCertificateDetailTests {
    static func refused(_ certificate: ClientCertificate, crl: ServerCRL = .none) -> Scenario {
        Scenario(
            server: ServerSide(tls: ServerTLS(caFile: .root, crl: crl), hba: [HBAEntry(.hostssl, method: .trust)]),
            client: ClientSide(sslMode: .require, certificate: certificate), user: "alice")
    }

    static func serverLog(_ s: Scenario, _ versions: Versions) -> [String] {
        Expectation.predict(s, versions: versions).attempts.flatMap { $0.serverLog.map(\.text) }
    }

    @Test("16+ adds the failing certificate; 14 and 15 do not", arguments: [14, 15, 16, 17, 18])
    func detailByServerMajor(server: Int) {
        let log = Self.serverLog(Self.refused(.untrustedCA), Versions(server: server, libpq: 15))
        #expect(log.contains { $0.hasSuffix("could not accept SSL connection: certificate verify failed") })
        let detail = log.filter { $0.hasPrefix("DETAIL:  Client certificate verification failed") }
        if server < 16 {
            #expect(detail.isEmpty, "\(log)")
        } else {
            #expect(
                detail == [
                    "DETAIL:  Client certificate verification failed at depth 0: unable to get local issuer certificate.\n\tFailed certificate data (unverified): subject \"/CN=alice\", serial number {serial:client-alice-untrusted-ca}, issuer \"/CN=unrelated CA\"."
                ])
        }
    }

    @Test("each failure names its X509 error and the leaf's issuer")
    func failures() {
        let v = Versions(server: 16, libpq: 16)
        let cases: [(ClientCertificate, ServerCRL, String, String)] = [
            (.expired, .none, "certificate has expired", MatrixCA.root.commonName),
            (.revoked, .file, "certificate revoked", MatrixCA.root.commonName),
            (.noClientAuth, .none, "unsuitable certificate purpose", MatrixCA.root.commonName),
            (.intermediateLeafOnly, .none, "unable to get local issuer certificate", MatrixCA.intermediate.commonName),
            (.leafPlusIntermediate, .dir, "unable to get certificate CRL", MatrixCA.intermediate.commonName),
        ]
        for (certificate, crl, error, issuer) in cases {
            let log = Self.serverLog(Self.refused(certificate, crl: crl), v)
            let detail = log.first { $0.hasPrefix("DETAIL:  Client certificate") }
            #expect(detail?.contains("at depth 0: \(error).") == true, "\(certificate): \(log)")
            #expect(detail?.hasSuffix("issuer \"/CN=\(issuer)\".") == true, "\(certificate): \(log)")
            #expect(
                detail?.contains("{serial:\(certificate.pkiName(for: "alice"))}") == true, "\(certificate): \(log)")
        }
    }

    @Test("prepare_cert_name keeps the last 71 characters behind '...' and escapes non-ASCII")
    func preparedNames() {
        #expect(Predictor.preparedCertName("/CN=alice") == "/CN=alice")
        let long = "/O=" + String(repeating: "o", count: 40) + "/CN=" + String(repeating: "c", count: 40)
        let prepared = Predictor.preparedCertName(long)
        #expect(prepared.count == 71)
        #expect(prepared.hasPrefix("..."))
        #expect(prepared.hasSuffix("/CN=" + String(repeating: "c", count: 40)))
        #expect(Predictor.preparedCertName("/CN=caf\u{e9}") == "/CN=caf\\xc3\\xa9")
    }

    @Test("map= on a method without maps: 18 lists oauth, 14-17 do not", arguments: [14, 15, 16, 17, 18])
    func mapWording(server: Int) {
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.host, method: .trust, map: "m")]),
            client: ClientSide(sslMode: .disable), user: "u")
        guard
            case .serverFailsToStart(let log) = Expectation.predict(s, versions: Versions(server: server, libpq: 15))
                .outcome
        else {
            Issue.record("expected the server not to start")
            return
        }
        let methods =
            server >= 18 ? "ident, peer, gssapi, sspi, cert, and oauth" : "ident, peer, gssapi, sspi, and cert"
        #expect(
            log.contains {
                $0.text.hasSuffix("authentication option \"map\" is only valid for authentication methods \(methods)")
            },
            "\(log)")
    }
}
