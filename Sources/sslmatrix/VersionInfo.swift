import ClusterKit
import Foundation

/// What a run ran against, recorded in every report and baseline.
struct VersionInfo: Codable, Sendable {
    var server: String
    var major: Int
    var libpq: Int
    var serverSSLLibrary: String?
    var libpqSSLLibrary: String?
    var opensslCLI: String?

    static func collect(_ installation: Installation) async -> VersionInfo {
        var info = VersionInfo(server: installation.version, major: installation.major, libpq: PGConnection.libraryVersion)
        info.opensslCLI = (try? await Command.run("openssl", ["version"]))?.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        info.libpqSSLLibrary = OpenSSLLibrary.version
        if let cluster = try? await Cluster.create(installation: installation) {
            if (try? await cluster.start()) != nil {
                info.serverSSLLibrary = try? await cluster.queryValue("SHOW ssl_library")
            }
            await cluster.destroy()
        }
        return info
    }
}
