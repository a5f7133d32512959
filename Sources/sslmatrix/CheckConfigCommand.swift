import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix check-config`: what every kind of client gets from a real server's TLS and
/// pg_hba.conf, before the reload. The files are only read; the connections go to
/// throwaway clusters of the same major with exactly those settings.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract:
            "Dry-run a real server's TLS settings and pg_hba.conf on throwaway clusters: every sslmode, with and without your client files.",
        discussion: """
            Reads --pgdata DIR (postgresql.conf, pg_hba.conf or its hba_file, PG_VERSION) or --hba FILE \
            [--conf FILE]; relative file names resolve against the data directory (with --conf alone: the \
            conf file's directory). The real server and its files are never written. Exit status: 0, 1 when \
            a finding at or above --fail-on exists, 2 when the configuration cannot be read or reproduced.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }
    enum FailOn: String, ExpressibleByArgument, CaseIterable, Sendable { case info, warning, critical, never }

    @Option(help: "The real server's data directory (read only).") var pgdata: String?
    @Option(help: "A pg_hba.conf to check (instead of --pgdata).") var hba: String?
    @Option(help: "The postgresql.conf that goes with --hba.") var conf: String?
    @Option(help: "A client certificate to try besides none.") var clientCert: String?
    @Option(help: "Its key.") var clientKey: String?
    @Option(help: "A root certificate file (sslrootcert) to try besides none.") var rootCert: String?
    @Option(help: "The name clients use (verify-full checks it; default: the server certificate's first DNS name).")
    var hostName: String?
    @Option(help: "Certificates expiring within this many days are findings.") var warnDays = 30
    @Option(help: "Exit 1 when a finding of this severity or above exists: info, warning, critical, never.")
    var failOn: FailOn = .warning
    @Option(help: "text or json.") var format: Format = .text
    @OptionGroup var installation: InstallationOptions

    func validate() throws {
        if (pgdata == nil) == (hba == nil) { throw ValidationError("give --pgdata DIR, or --hba FILE [--conf FILE]") }
        if clientCert != nil && clientKey == nil { throw ValidationError("--client-cert needs --client-key") }
    }

    func run() async throws {
        let report: CheckConfigReport
        do {
            report = try await CheckConfigReport.make(self)
        } catch let error as ConfigCheckError {
            throw failClearly(error)
        } catch let error as ClusterKitError {
            throw failClearly(error)
        }
        let text = format == .json ? try report.json() : report.text(style: .forStandardOutput(wide: false))
        FileHandle.standardOutput.write(Data(text.utf8))
        let threshold: ConfigFinding.Severity? =
            switch failOn {
            case .info: .info
            case .warning: .warning
            case .critical: .critical
            case .never: nil
            }
        if let threshold, report.findings.contains(where: { $0.severity >= threshold }) { throw ExitCode(1) }
    }
}
