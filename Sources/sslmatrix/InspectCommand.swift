import ArgumentParser
import ClusterKit
import Foundation

/// `sslmatrix inspect FILE...`: subject, issuer, SANs, serial, validity and days left of
/// every certificate in each file (PEM bundles or DER): the expiry check DBAs script by hand.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show subject, issuer, SANs, serial, validity and days left of certificate files (PEM or DER).")

    @Argument(help: "Certificate files (PEM, possibly bundles, or DER).") var files: [String]
    @Option(help: "Exit 1 when a certificate expires within this many days (for cron/CI checks).") var warnDays: Int?
    @OptionGroup var installation: AcceptedInstallationOptions

    func run() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one certificate file") }
        var inspections: [CertificateInspector.Inspection] = []
        for file in files {
            do {
                inspections.append(try CertificateInspector.inspect(path: file))
            } catch {
                throw failClearly(
                    ClusterKitError.unreadableFile(
                        path: file, reason: "not a readable PEM or DER certificate (\(error))"))
            }
        }
        print(CertificateInspector.format(inspections), terminator: "")
        if let warnDays, inspections.contains(where: { $0.certificates.contains { $0.daysLeft < warnDays } }) {
            throw ExitCode(1)
        }
    }
}
