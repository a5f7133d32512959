import ClusterKit
import Foundation
import Scenarios
import Testing

/// Every driver in probes/drivers.json, against a real server: a wrong password must come
/// back rejected with the driver's own error (its class, the server's reason, paired with
/// the server's FATAL line by time), the right one accepted with the server's view; so a probe
/// that always says "ok", or never reaches the server, cannot pass. Table-driven: a driver
/// gets these tests by adding its registry entry (and installing it: `make test` runs
/// `scripts/setup --drivers all`).
@Suite("Driver probes", .tags(.liveServer))
struct DriverProbeTests {
    static let registry = try? DriverRegistry(
        path: PackagePaths.root + "/" + DriverRegistry.relativePath, repository: PackagePaths.root)
    /// Every driver `make test` installs, and an opt-in one (`optIn` in probes/drivers.json:
    /// a first build longer than CI's budget) wherever it is installed; a missing opt-in probe
    /// is said, with its install command, instead of failing every test.
    static let names: [String] = {
        guard let registry else { return [] }
        return registry.drivers.filter { driver in
            guard driver.optIn == true, !driver.isInstalled(in: registry) else { return true }
            print("driver tests: \(driver.name) is opt-in and not installed here; run `\(driver.setup)` to test it")
            return false
        }.map(\.name)
    }()

    @Test("the registry loads and names each driver once")
    func registryLoads() throws {
        let registry = try DriverRegistry(
            path: PackagePaths.root + "/" + DriverRegistry.relativePath, repository: PackagePaths.root)
        #expect(!registry.drivers.isEmpty)
        for d in registry.drivers {
            #expect(!d.command.isEmpty && d.setup.contains("--drivers"), "\(d.name)")
            #expect(!registry.expand(d.installed).contains("${"), "\(d.name): \(d.installed)")
        }
        #expect(throws: DriverError.unknownDriver(name: "no-such-driver", known: registry.drivers.map(\.name))) {
            try registry.select(["no-such-driver"])
        }
    }

    @Test("a wrong password is rejected with the driver's own message; the right one connects", arguments: names)
    func wrongPassword(_ name: String) async throws {
        let registry = try #require(Self.registry)
        let driver = try #require(try registry.select([name]).first)
        try #require(
            driver.isInstalled(in: registry), "\(name) is not installed: run `\(driver.setup)` (make test does)")
        let client = try await driver.makeClient(in: registry)
        defer { Task { await client.shutdown() } }
        let identity = try #require(client.driver)
        #expect(identity.name == name)
        #expect(!identity.version.isEmpty)
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, user: "alice", method: "scram-sha-256")])
            try await cluster.start()
            try await cluster.query(
                "set password_encryption = 'scram-sha-256'; create role alice login password 'right horse'")
            var probe = Probe(cluster: cluster)
            probe.client = client
            func attempt(_ password: String) async -> Outcome {
                await probe.connect(
                    ConnectionParameters(
                        host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                        password: password, sslmode: "verify-full", sslrootcert: .path(tls.rootCert)))
            }
            let wrong = await attempt("wrong staple")
            let rejection = try #require(wrong.rejection, "\(name) did not reject a wrong password: \(wrong)")
            #expect(
                rejection.errorMessage.contains("password authentication failed for user \"alice\""),
                "\(name): \(rejection.errorMessage)")
            #expect(
                wrong.driver?.errorClass?.isEmpty == false,
                "\(name) names no error class: \(String(describing: wrong.driver))")
            // The server's side, paired by time: its FATAL for this attempt, over TLS.
            #expect(
                wrong.serverLog.contains {
                    $0.severity == "FATAL" && $0.message == "password authentication failed for user \"alice\""
                }, "\(name): \(wrong.serverLog)")

            let right = await attempt("right horse")
            let session = try #require(right.session, "\(name) did not connect with the right password: \(right)")
            #expect(session.sessionUser == "alice")
            #expect(session.server.ssl && session.client.encrypted)
            #expect(session.server.clusterName == cluster.name)
            #expect(right.serverLog.contains { $0.message.hasPrefix("connection authorized: user=alice") })
        }
    }
}
