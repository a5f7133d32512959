import ClusterKit
import Foundation
import Testing

@Suite("openssl s_client checks the server's TLS policy from outside", .tags(.liveServer))
struct TLSPolicyProbeTests {
    @Test("min TLSv1.2: TLSv1.1 is refused by the server, TLSv1.2 accepted; the bundle is sent")
    func minTLS12() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.appendConf(ServerSettings([("ssl_min_protocol_version", .string("TLSv1.2"))]))
            try cluster.setHBA([HBARule(.hostssl, method: "trust")])
            try await cluster.start()
            let probe = TLSPolicyProbe(cluster: cluster, serverName: tls.serverName)
            let mark = cluster.log.mark()
            let old = try await probe.handshake(version: .tls1_1)
            print(old)
            #expect(!old.accepted)
            #expect(old.refusedBy == .server, "\(old.output)")
            // The server answered the TLSv1.1 ClientHello with a protocol_version alert (70).
            #expect(old.alert == "tlsv1 alert protocol version", "\(old.output)")
            #expect(old.commandLine.contains("-cipher DEFAULT@SECLEVEL=0"))
            // be-secure-openssl.c: "could not accept SSL connection: %s" with OpenSSL's reason.
            try await Task.sleep(for: .milliseconds(50))
            #expect(
                cluster.log.lines(since: mark).contains {
                    $0.severity == "LOG" && $0.message == "could not accept SSL connection: unsupported protocol"
                }, "\(cluster.log.text(since: mark))")

            let current = try await probe.handshake(version: .tls1_2)
            print(current)
            #expect(current.accepted && current.protocol == "TLSv1.2", "\(current.output)")
            #expect(current.chain.map(\.subject) == ["CN = \(tls.serverName)", tls.intermediateSubject])
            #expect(current.chain.map(\.issuer) == [tls.intermediateSubject, tls.rootSubject])
        }
    }

    @Test("min TLSv1.3: TLSv1.2 refused, TLSv1.3 accepted; ssl_ciphers limits TLSv1.2 ciphers")
    func minTLS13() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.appendConf(ServerSettings([("ssl_min_protocol_version", .string("TLSv1.3"))]))
            try cluster.setHBA([HBARule(.hostssl, method: "trust")])
            try await cluster.start()
            let probe = TLSPolicyProbe(cluster: cluster, serverName: tls.serverName)
            let tls12 = try await probe.handshake(version: .tls1_2)
            #expect(!tls12.accepted && tls12.refusedBy == .server, "\(tls12.output)")
            let tls13 = try await probe.handshake(version: .tls1_3, ciphersuites: "TLS_CHACHA20_POLY1305_SHA256")
            #expect(tls13.accepted && tls13.protocol == "TLSv1.3", "\(tls13.output)")
            #expect(tls13.cipher == "TLS_CHACHA20_POLY1305_SHA256")

            // ssl_ciphers (TLSv1.2 and below): allow only one; another is refused by the server.
            try cluster.appendConf(
                ServerSettings([
                    ("ssl_min_protocol_version", .string("TLSv1.2")),
                    ("ssl_ciphers", .string("ECDHE-ECDSA-AES128-GCM-SHA256")),
                ]))
            try await cluster.reload()
            let allowed = try await probe.handshake(version: .tls1_2, cipher: "ECDHE-ECDSA-AES128-GCM-SHA256")
            #expect(allowed.accepted && allowed.cipher == "ECDHE-ECDSA-AES128-GCM-SHA256", "\(allowed.output)")
            let other = try await probe.handshake(version: .tls1_2, cipher: "ECDHE-ECDSA-AES256-GCM-SHA384")
            #expect(!other.accepted && other.refusedBy == .server, "\(other.output)")
        }
    }
}
