import ClusterKit
import Foundation
import Scenarios
import Testing

/// The impostor per driver (`sslmatrix impostor --drivers`) measures what each driver sends a
/// fake server; these tests check that measurement, not the drivers' verdicts: the victim's
/// settings reach the driver (the impostor sees the victim's user and database from every
/// driver under sslmode=disable, over a connection without TLS), and a row records exactly the
/// connections the impostor saw.
@Suite("Driver probes against the impostor", .tags(.liveServer))
struct DriverImpostorTests {
    @Test(
        "under sslmode=disable every driver reaches the impostor in cleartext as the victim",
        arguments: DriverProbeTests.names)
    func disableReachesImpostor(_ name: String) async throws {
        let registry = try #require(DriverProbeTests.registry)
        let driver = try #require(try registry.select([name]).first)
        try #require(
            driver.isInstalled(in: registry), "\(name) is not installed: run `\(driver.setup)` (make test does)")
        let client = try await driver.makeClient(in: registry)
        defer { Task { await client.shutdown() } }
        let experiment = ImpostorExperiment()
        try await withImpostorScratch { pki, scratch in
            let row = try await experiment.runDriver(
                ImpostorCase(.disable, variant: .untrustedCA), client: client, pki: pki, scratch: scratch)
            let first = try #require(
                row.captures.first, "\(name): the impostor saw nothing; driver said \(row.message)")
            #expect(!first.sslRequested && !first.encrypted, "\(name): \(first)")
            #expect(first.user == experiment.user, "\(name): \(first)")
            #expect(first.database == experiment.database, "\(name): \(first)")
            #expect(!row.message.isEmpty, "\(name) reported no error for a server that never lets it in")
        }
    }
}
