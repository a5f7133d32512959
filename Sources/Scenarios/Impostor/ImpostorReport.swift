import ClusterKit
import Foundation

/// Everything `sslmatrix impostor` shows: the article's table, the impostor runs, the real
/// cluster playing impostor, and the verdict.
public struct ImpostorReport: Sendable, Codable {
    public var postgresVersion: String
    public var libpqVersion: Int
    public var article: [ArticleRow]
    public var impostor: [ImpostorRow]
    public var realImpostor: [RealImpostorRow]
    public var verdict: [ImpostorVerdict]
    public var milliseconds: Int
    /// The password the victim used, so a reader can see the impostor printed the same one.
    public var victimUser: String
    public var victimPassword: String
    public var articleUser: String
    /// `impostor --drivers`: every case through each driver probe (nil: not asked).
    public var drivers: [DriverImpostorRow]? = nil

    public var disagreements: Int {
        article.filter { !$0.agrees }.count + impostor.filter { !$0.agrees }.count
            + realImpostor.filter { !$0.agrees }.count + verdict.filter { !$0.disagreements.isEmpty }.count
    }

    /// Runs the whole experiment. Clusters are always destroyed; the scratch directory
    /// (client PKI, empty HOME) is removed at the end.
    public static func run(installation: Installation, drivers: [ProbeClient] = []) async throws -> ImpostorReport {
        let start = ContinuousClock.now
        let workspace = try Workspace.shared()
        let scratch = workspace.clientDirectory + "/impostor-\(UUID().uuidString.prefix(8))"
        try SecureFiles.makeDirectory(scratch, mode: 0o700)
        defer { SecureFiles.remove(scratch) }
        let pki = try PKI.materialize(ImpostorPKI.spec, into: scratch + "/pki", serverAccount: workspace.account)
        let article = ArticleExperiment()
        let experiment = ImpostorExperiment()
        // One step at a time, on purpose: spawning a child as the server account (setgroups
        // after swift-subprocess's fork) deadlocked once while the impostor's thread was being
        // created (glibc __nptl_setxid waiting on a half-started thread); clusters first,
        // impostor threads after, keeps the two apart.
        let a = try await article.run(installation: installation, pki: pki, scratch: scratch)
        let r = try await experiment.runRealCluster(installation: installation, pki: pki, scratch: scratch)
        let impostorRows = try await experiment.runAll(
            pki: pki, scratch: scratch, versions: .inProcess(server: installation))
        let driverRows = drivers.isEmpty ? nil : try await experiment.runDrivers(drivers, pki: pki, scratch: scratch)
        var report = ImpostorReport(
            postgresVersion: installation.version, libpqVersion: PGConnection.libraryVersion,
            article: a, impostor: impostorRows, realImpostor: r,
            verdict: ImpostorVerdict.derive(article: a, impostor: impostorRows),
            milliseconds: (ContinuousClock.now - start).milliseconds,
            victimUser: experiment.user, victimPassword: experiment.password, articleUser: article.user)
        report.drivers = driverRows
        return report
    }
}
