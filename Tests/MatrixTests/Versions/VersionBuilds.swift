import ClusterKit
import Foundation

/// The builds `make majors` installs (scripts/setup-builds). Tests that need them skip with
/// this reason when they are absent; `make test` and .ci/run install them first.
enum VersionBuilds {
    static let catalog = try? InstallationCatalog.discover()
    static let skipReason = "the extra builds are not installed: run `make majors` (make test does)"

    static var psycopgLibpq: String? {
        catalog?.clients.first { $0.name == "psycopg-binary-libpq" }?.libpq
    }

    static var libpq18: String? { catalog?.clients.first { $0.name == "postgresql-18" }?.libpq }

    static var server18: Installation? { catalog?.servers.first { $0.major == 18 } }

    static var haveAll: Bool {
        guard let catalog else { return false }
        let majors = Set(catalog.servers.map(\.major))
        return [14, 15, 16, 17, 18].allSatisfy(majors.contains) && psycopgLibpq != nil
    }

    /// The worker executable next to the test bundle (SwiftPM builds every product).
    static var workerBuilt: Bool { FileManager.default.isExecutableFile(atPath: ClientWorkerPool.defaultExecutable) }
}
