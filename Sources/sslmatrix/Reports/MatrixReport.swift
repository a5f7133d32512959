import ClusterKit
import Foundation
import Scenarios

/// The results of one run against one installation, with everything a reader needs to
/// trust them: versions, counts, time, and every disagreement with both sides.
struct MatrixReport: Codable, Sendable {
    var installation: String
    var versions: VersionInfo
    var results: [CaseResult]
    var elapsed: Double
    /// `--server-setting` values forced into every group (nil: the matrix as defined).
    var serverSettings: [String]?
    /// Drift from `--baseline`, when one was given.
    var baselinePath: String?
    var baselineDiff: BaselineDiff?
    /// "K/N" when this report holds one shard's groups (`--shard`); nil for a whole run.
    var shard: String?
    /// Generated, run, skipped (with reasons), disagreeing: stated in every format (optional
    /// only so reports written before it still read; `tally` recomputes it).
    var counts: MatrixCounts?
    var tally: MatrixCounts { counts ?? MatrixCounts(results) }
    /// Set when a driver probe ran the cases (`sslmatrix drivers`): judged against libpq's model.
    var driver: DriverRun?

    init(installation: Installation, results: [CaseResult], elapsed: Double, versions: VersionInfo) {
        self.installation = installation.description
        self.versions = versions
        self.results = results
        self.elapsed = elapsed
        self.counts = MatrixCounts(results)
    }

    /// The drift from `--baseline`, grouped by kind of change (nil without a baseline).
    var drift: DriftReport? {
        guard let baselineDiff, let baselinePath else { return nil }
        return DriftReport(
            baselineDiff, beforeLabel: baselinePath, afterLabel: "this run",
            beforeVersions: baselineDiff.baselineVersions, afterVersions: versions)
    }

    var agreements: Int { results.filter { $0.verdict == .agree }.count }
    var disagreements: Int { results.filter { $0.verdict == .disagree }.count }
    var skipped: Int { results.filter { $0.verdict == .skipped }.count }
    var errors: Int { results.filter { $0.verdict == .error }.count }
    var casesPerSecond: Double { elapsed > 0 ? Double(results.count) / elapsed : 0 }

    /// False when either side's major is one the model does not claim: its verdicts are not judged.
    var modelKnowsVersion: Bool { versions.modelKnowsVersion }

    /// Whether this run should fail the command: harness errors always; disagreements only
    /// when the model claims to know this version.
    /// A driver's deviations are findings, not failures.
    var fails: Bool { errors > 0 || (driver == nil && modelKnowsVersion && disagreements > 0) }

    func render(_ format: ReportFormat, showDisagreements: Int = 20, style: TerminalStyle = .plain) -> String {
        ReportSet([self]).render(format, showDisagreements: showDisagreements, style: style)
    }

    var headline: String {
        if let driver {
            return "\(driver.identity.name) \(driver.identity.version) vs libpq \(versions.modelVersions.libpq) model: "
                + driver.conformance.line + String(format: "; %.1f s (%.0f cases/s)", elapsed, casesPerSecond)
        }
        if !modelKnowsVersion {
            return String(
                format:
                    "server %d, libpq %d: unknown version, observed only, not verified (the model claims %d-%d); %d cases observed, %d skipped, %d errors; %.1f s",
                versions.major, versions.modelVersions.libpq, MessageCatalogue.supportedMajors.lowerBound,
                MessageCatalogue.supportedMajors.upperBound,
                results.count - skipped - errors, skipped, errors, elapsed)
        }
        let counts = tally
        let skips = counts.skipReasons.map { "\($0.cases): \($0.reason)" }.joined(separator: "; ")
        return counts.line + (skips.isEmpty ? "" : " (\(skips))")
            + String(format: "; %.1f s (%.0f cases/s)", elapsed, casesPerSecond)
    }

    var versionLine: String { Self.versionLine(versions) }

    static func versionLine(_ v: VersionInfo) -> String {
        let serverSSL =
            v.serverOpenSSL.map { s in
                [s.version, s.package.map { "package \($0)" }].compactMap { $0 }.joined(separator: ", ")
            } ?? v.serverSSLLibrary ?? "?"
        // Which files the client really mapped (a client worker's build, or this process's).
        let clientFiles =
            v.clientLibraries.map { c in
                " at \(c.libpq.joined(separator: ", ")); libssl \(c.libssl.joined(separator: ", ")), "
                    + "libcrypto \(c.libcrypto.joined(separator: ", "))"
            } ?? ""
        return
            "PostgreSQL \(v.server) (server OpenSSL: \(serverSSL)), libpq \(v.libpq) (OpenSSL: \(v.libpqSSLLibrary ?? "?")\(clientFiles)), openssl CLI: \(v.opensslCLI ?? "?")"
    }

    /// A short name for side-by-side columns: "15.18", or "15.18 #2" for a repeated installation.
    var shortName: String {
        if let driver { return "\(driver.identity.name) \(driver.identity.version)" }
        return versions.server.split(separator: " ").first.map(String.init) ?? versions.server
    }

    var settingsLine: String? {
        serverSettings.map { "server settings forced into every group: " + $0.joined(separator: ", ") }
    }
}

/// One cell of a sslmode x hba table: what happened, and whether the model agreed.
enum Cell {
    static func symbol(_ r: CaseResult, judged: Bool = true) -> String {
        let base: String
        switch r.observed?.kind {
        case .accepted?: base = r.observed?.encrypted == true ? "E" : "P"
        case .rejected?: base = "R"
        case .serverDidNotStart?: base = "X"
        case .notAttempted?, nil: base = r.verdict == .skipped ? "s" : "?"
        }
        return judged && (r.verdict == .disagree || r.verdict == .error) ? base + "!" : base
    }

    static let modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// Whether `r` belongs in the main tables: the cases that vary only sslmode, hba rule
    /// and server chain (trust root, standard names, default TLS, no extras).
    static func isTableCase(_ r: CaseResult) -> Bool {
        r.labels["trust"] == "root" && r.labels["names"] == "standard" && r.labels["tls"] == "tls-default"
            && r.labels["certificate"].map({ $0 == "none" || $0 == "cn=user" }) ?? false && r.labels["hardened"] == nil
            && !r.id.contains("password-") && !r.id.contains("channel_binding") && !r.id.contains("stored-")
            && !r.id.contains("crl")
    }

    struct Table {
        var title: String
        var rows: [String]
        var columns: [String]
        /// sslmode -> hba -> result
        var results: [String: [String: CaseResult]]
        var cells: [String: [String: String]]
    }

    /// The main product's tables: one per chain option, rows sslmode, columns hba rule.
    static func tables(_ results: [CaseResult], judged: Bool = true) -> [Table] {
        var byChain: [String: [CaseResult]] = [:]
        for r in results where isTableCase(r) { byChain[r.labels["chain"] ?? "?", default: []].append(r) }
        return byChain.keys.sorted().map { chain in
            var table = Table(title: chain, rows: modes, columns: [], results: [:], cells: [:])
            for r in byChain[chain]! {
                let hba = r.labels["hba"] ?? "?"
                let mode = r.labels["sslmode"] ?? "?"
                if !table.columns.contains(hba) { table.columns.append(hba) }
                table.results[mode, default: [:]][hba] = r
                table.cells[mode, default: [:]][hba] = symbol(r, judged: judged)
            }
            return table
        }
    }
}
