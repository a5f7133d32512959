import ClusterKit
import Foundation
import Testing

/// Two recordings on the same installation must be byte-identical, or a CI gate on
/// `baseline diff` fails on noise. Checked on the system's PostgreSQL and on one other
/// major (16+ log certificate serials, which differ per run and must be normalised), that
/// one also with its own libpq in client workers (what a libpq upgrade is compared with).
///
/// A slice keeps `make test` short: every case presenting an expired client certificate
/// (about 120, on four clusters with different CRL/CA settings): the server rejects them
/// during the handshake, and 16+ then logs the certificate's serial in a DETAIL line. The
/// whole matrix is checked the same way by hand (README, "Upgrades").
@Suite("baseline stability", .serialized, .tags(.cli))
struct BaselineStabilityTests {
    static let filter = "/ cert expired /"

    /// Installations to check: the system's, and the newest other major a build of which
    /// `scripts/setup --majors` installed (or PGSSLMATRIX_EXTRA_BINDIR names).
    /// (bindir, client): the system's and the newest other major with this process's libpq,
    /// the newest other major also with its own.
    static var installations: [(String, String)] {
        bindirs.enumerated().flatMap { index, bindir in
            index == 0 ? [(bindir, "system")] : [(bindir, "system"), (bindir, "own")]
        }
    }

    static var bindirs: [String] {
        var out: [String] = []
        if let system = try? Installation.discover() { out.append(system.bindir) }
        if let extra = ProcessInfo.processInfo.environment["PGSSLMATRIX_EXTRA_BINDIR"] {
            out.append(extra)
        } else if let builds = try? FileManager.default.contentsOfDirectory(atPath: "/opt/pg-ssl-matrix") {
            let majors = builds.compactMap { name -> (Int, String)? in
                guard name.hasPrefix("postgresql-"), let major = Int(name.dropFirst("postgresql-".count)) else {
                    return nil
                }
                let bin = "/opt/pg-ssl-matrix/\(name)/bin"
                return FileManager.default.isExecutableFile(atPath: bin + "/postgres") ? (major, bin) : nil
            }
            if let newest = majors.filter({ $0.0 >= 16 }).max(by: { $0.0 < $1.0 }) { out.append(newest.1) }
        }
        return out
    }

    static var canRun: Bool { FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) }

    @Test(
        "recording twice on the same installation gives identical files", .enabled(if: canRun),
        .timeLimit(.minutes(10)), arguments: installations)
    func recordTwice(bindir: String, client: String) async throws {
        let dir = NSTemporaryDirectory() + "/stability-\(UUID())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [String] = []
        for run in ["first", "second"] {
            let path = "\(dir)/\(run).json"
            let r = try await CLI.run([
                "baseline", "record", "--pg-bindir", bindir, "--client", client, "--filter", Self.filter,
                "--output", path,
            ])
            #expect(r.exitCode == 0, "\(r.combinedOutput)")
            files.append(try String(contentsOfFile: path, encoding: .utf8))
        }
        let recorded = try JSONDecoder().decode(BaselineJSON.self, from: Data(files[0].utf8))
        #expect(recorded.cases.count > 50, "the slice ran: \(recorded.cases.count) cases")
        #expect(!recorded.cases.values.contains { $0.outcome == "error" }, "no harness errors")
        if files[0] != files[1] {
            let a = files[0].split(separator: "\n"), b = files[1].split(separator: "\n")
            let differing = zip(a, b).filter { $0 != $1 }.prefix(5).map { "- \($0)\n+ \($1)" }
            Issue.record("two recordings differ (\(bindir), client \(client)):\n\(differing.joined(separator: "\n"))")
        }
        // A serial that escaped the normaliser would be a long run of digits after "serial number".
        #expect(files[0].range(of: #"serial number [0-9]{6,}"#, options: .regularExpression) == nil)
        let major = try Installation(bindir: bindir).major
        if major >= 16 {
            // be-secure-openssl.c (16+) logs the rejected client certificate's serial in a DETAIL.
            #expect(files[0].contains("serial number <SERIAL:"), "16+ logs serials; none normalised by name")
        }
    }
}
