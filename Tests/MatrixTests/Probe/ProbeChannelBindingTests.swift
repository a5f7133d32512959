import ClusterKit
import Foundation
import Testing

@Suite("Channel binding as the probe sees it", .tags(.liveServer))
struct ProbeChannelBindingTests {
    @Test("SCRAM over TLS: require and prefer bind (SCRAM-SHA-256-PLUS), disable does not")
    func channelBinding() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([
                HBARule(.hostssl, method: "scram-sha-256"), HBARule(.hostnossl, method: "scram-sha-256"),
            ])
            try await cluster.start()
            try await cluster.query(
                "set password_encryption = 'scram-sha-256'; create role bob login password 'secret'")
            let probe = Probe(cluster: cluster)
            func connect(_ binding: String, sslmode: String = "verify-full") async -> Outcome {
                await probe.connect(
                    ConnectionParameters(
                        host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "bob",
                        password: "secret",
                        sslmode: sslmode, sslrootcert: .path(tls.rootCert), channelBinding: binding))
            }
            // libpq itself fails channel_binding=require unless the exchange was bound, so an
            // accepted `require` is ground truth for the trace-derived signal.
            let required = await connect("require")
            print(required)
            let requiredAuth = try #require(required.session?.authentication, "\(required)")
            #expect(requiredAuth.saslMechanism == "SCRAM-SHA-256-PLUS")
            #expect(requiredAuth.channelBindingUsed == true)
            #expect(requiredAuth.method == "scram-sha-256" && requiredAuth.identity == "bob")
            #expect(requiredAuth.usedPassword)

            let preferred = await connect("prefer")
            #expect(preferred.session?.authentication.channelBindingUsed == true, "\(preferred)")
            let disabled = await connect("disable")
            #expect(disabled.session?.authentication.saslMechanism == "SCRAM-SHA-256", "\(disabled)")
            #expect(disabled.session?.authentication.channelBindingUsed == false)

            // Without TLS there is nothing to bind to: the server offers no -PLUS mechanism.
            let plain = await connect("prefer", sslmode: "disable")
            #expect(plain.session?.client.encrypted == false, "\(plain)")
            #expect(plain.session?.authentication.channelBindingUsed == false)
            // fe-auth.c (pg_SASL_init): "channel binding required, but SSL not in use"
            let impossible = await connect("require", sslmode: "disable")
            #expect(
                impossible.rejection?.attempts.first?.message == "channel binding required, but SSL not in use",
                "\(impossible)")
        }
    }
}
