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

    init(installation: Installation, results: [CaseResult], elapsed: Double, versions: VersionInfo) {
        self.installation = installation.description
        self.versions = versions
        self.results = results
        self.elapsed = elapsed
    }

    var agreements: Int { results.filter { $0.verdict == .agree }.count }
    var disagreements: Int { results.filter { $0.verdict == .disagree }.count }
    var skipped: Int { results.filter { $0.verdict == .skipped }.count }
    var errors: Int { results.filter { $0.verdict == .error }.count }
    var casesPerSecond: Double { elapsed > 0 ? Double(results.count) / elapsed : 0 }

    func render(_ format: ReportFormat, showDisagreements: Int = 20) -> String {
        switch format {
        case .text: return TextReport.render(self, show: showDisagreements)
        case .json: return JSONReport.render(self)
        case .markdown: return MarkdownReport.render(self)
        case .junit: return JUnitReport.render(self)
        case .html: return HTMLReport.render(self)
        }
    }

    var headline: String {
        String(format: "%d cases: %d agree, %d disagree, %d skipped, %d errors; %.1f s (%.0f cases/s)",
               results.count, agreements, disagreements, skipped, errors, elapsed, casesPerSecond)
    }

    var versionLine: String {
        "PostgreSQL \(versions.server) (\(versions.serverSSLLibrary ?? "?")), libpq \(versions.libpq), client \(versions.libpqSSLLibrary ?? "?"), CLI \(versions.opensslCLI ?? "?")"
    }
}

/// One cell of a sslmode x hba table: what happened, and whether the model agreed.
enum Cell {
    static func symbol(_ r: CaseResult) -> String {
        let base: String
        switch r.observed?.kind {
        case .accepted?: base = r.observed?.encrypted == true ? "E" : "P"
        case .rejected?: base = "R"
        case .serverDidNotStart?: base = "X"
        case .notAttempted?, nil: base = r.verdict == .skipped ? "s" : "?"
        }
        return r.verdict == .disagree || r.verdict == .error ? base + "!" : base
    }

    /// The main product's tables: one per chain option, rows sslmode, columns hba rule,
    /// only for the cases that vary exactly those dimensions (trust root, no extras).
    static func tables(_ results: [CaseResult]) -> [(title: String, rows: [String], columns: [String], cells: [String: [String: String]])] {
        let modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
        var byChain: [String: [CaseResult]] = [:]
        for r in results where r.labels["trust"] == "root" && r.labels["names"] == "standard" && r.labels["tls"] == "tls-default"
            && r.labels["certificate"].map({ $0 == "none" || $0 == "cn=user" }) ?? false && r.labels["hardened"] == nil
            && !r.id.contains("password-") && !r.id.contains("channel_binding") && !r.id.contains("stored-") && !r.id.contains("crl") {
            byChain[r.labels["chain"] ?? "?", default: []].append(r)
        }
        return byChain.keys.sorted().map { chain in
            let rs = byChain[chain]!
            var columns: [String] = []
            var cells: [String: [String: String]] = [:]
            for r in rs {
                let hba = r.labels["hba"] ?? "?"
                if !columns.contains(hba) { columns.append(hba) }
                cells[r.labels["sslmode"] ?? "?", default: [:]][hba] = symbol(r)
            }
            return (chain, modes, columns, cells)
        }
    }
}
