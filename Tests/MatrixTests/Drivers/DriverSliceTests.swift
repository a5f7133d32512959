import ClusterKit
import Foundation
import Scenarios
import Testing

/// A fast slice of the matrix through every registered driver (a few dozen cases each):
/// the harness side works for each (no case fails to run, the server's log is paired by
/// time), and every deviation's class says what the observations say (a "security-relevant"
/// case really connected where libpq's model refuses, or went plaintext; a "stricter" one
/// really refused or encrypted more). Which deviations a driver has is its finding, reported
/// by `sslmatrix drivers`, not asserted here.
@Suite("Driver matrix slice", .tags(.liveServer, .matrix))
struct DriverSliceTests {
    /// sslmode x every pg_hba rule on the root-signed chain with the client trusting the root,
    /// plus the wrong-CA, missing-root and revoked-server cases that tell drivers apart.
    static func slice() -> [MatrixGroup] {
        MatrixDefinition.groups.compactMap { group in
            var group = group
            group.scenarios = group.scenarios.filter { s in
                let id = s.id
                let modes = ["prefer /", "require /", "verify-full /"]
                guard modes.contains(where: id.hasPrefix) else { return false }
                let basic = id.contains("/ root-signed / trust root / user ")
                let trust =
                    id.contains("hostssl trust / root-signed / trust intermediate-only / user")
                    || id.contains("hostssl trust / root-signed / trust missing-file / user")
                return basic || trust
            }
            return group.scenarios.isEmpty ? nil : group
        }
    }

    @Test(
        "the slice runs through each driver; each deviation's class matches what was observed",
        arguments: DriverProbeTests.names)
    func slice(_ name: String) async throws {
        let registry = try #require(DriverProbeTests.registry)
        let driver = try #require(try registry.select([name]).first)
        try #require(
            driver.isInstalled(in: registry), "\(name) is not installed: run `\(driver.setup)` (make test does)")
        let installation = try Installation.discover()
        let groups = Self.slice().map { MatrixRealizer.realize($0, versions: .inProcess(server: installation)) }
        let client = try await driver.makeClient(in: registry)
        var runner = ScenarioRunner(installation: installation, groupParallelism: 3)
        runner.client = client
        let clock = ContinuousClock()
        let started = clock.now
        let results = await runner.run(groups)
        let elapsed = clock.now - started
        await client.shutdown()
        let summary = DriverConformanceSummary(results)
        print("driver \(name): \(results.count) cases, \(summary.line); \(elapsed)")
        #expect(results.count >= 24 && results.count <= 120, "\(results.count) cases")
        for r in results where r.verdict == .error {
            Issue.record("\(name): \(r.id) could not run: \(r.differences.joined(separator: "; "))")
        }
        // The probe answered for every case it ran, with what it handed its driver.
        let connected = results.filter { $0.observed?.kind == .accepted || $0.observed?.kind == .rejected }
        #expect(connected.count >= 24)
        #expect(connected.allSatisfy { $0.driver != nil })
        for r in results {
            guard let d = r.deviation, let o = r.observed else { continue }
            let modelRejects = r.expected.hasPrefix("rejected")
            switch d.class {
            case .securityRelevant:
                // Connected where libpq refuses, or went plaintext / without binding.
                #expect(
                    (o.kind == .accepted && (modelRejects || o.encrypted == false)) || d.kind.contains("PLAINTEXT")
                        || d.kind.contains("channel binding"),
                    "\(name) \(r.id): \(d.kind) but observed \(o.shortDescription)")
            case .stricter:
                #expect(
                    o.kind == .rejected && !modelRejects || o.encrypted == true,
                    "\(name) \(r.id): \(d.kind) but observed \(o.shortDescription)")
            case .crash:
                #expect(
                    r.driver?.errorClass == DriverCaseDetail.processDied,
                    "\(name) \(r.id): \(d.kind) but the probe did not die: \(o.shortDescription)")
            case .messageOnly, .sessionDetail:
                #expect(
                    (o.kind == .rejected) == modelRejects || d.kind.contains("option this libpq rejects"),
                    "\(name) \(r.id): \(d.kind) but observed \(o.shortDescription), model \(r.expected)")
            }
        }
    }
}
