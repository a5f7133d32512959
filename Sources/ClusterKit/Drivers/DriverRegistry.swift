import Foundation

/// The driver probes this repository knows (`probes/drivers.json`), with `${BUILDS}` (where
/// `scripts/setup --drivers` installs them: PGSSLMATRIX_BUILDS, else /opt/pg-ssl-matrix) and
/// `${REPO}` (the repository root) expanded.
public struct DriverRegistry: Sendable {
    public let path: String
    public let repository: String
    public let builds: String
    public let drivers: [Driver]

    public static let relativePath = "probes/drivers.json"

    /// Reads `path`; bad JSON or a duplicate name is one `DriverError.invalidRegistry`.
    public init(path: String, repository: String, builds: String = DriverRegistry.defaultBuilds) throws {
        self.path = path
        self.repository = repository
        self.builds = builds
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DriverError.registryMissing(path: path)
        }
        let drivers: [Driver]
        do {
            drivers = try JSONDecoder().decode([Driver].self, from: data)
        } catch {
            throw DriverError.invalidRegistry(path: path, reason: "\(error)")
        }
        var seen = Set<String>()
        for d in drivers where !seen.insert(d.name).inserted {
            throw DriverError.invalidRegistry(path: path, reason: "driver '\(d.name)' is listed twice")
        }
        self.drivers = drivers
    }

    /// The repository's registry: found from the working directory upwards, else from this
    /// executable's directory upwards (`.build/debug/sslmatrix` lives inside the repository).
    public static func load() throws -> DriverRegistry {
        if let repo = ProcessInfo.processInfo.environment["PGSSLMATRIX_REPO"], !repo.isEmpty {
            return try DriverRegistry(path: repo + "/" + relativePath, repository: repo)
        }
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        for start in [FileManager.default.currentDirectoryPath, (me as NSString).deletingLastPathComponent] {
            var dir = (start as NSString).standardizingPath
            while dir != "/" && !dir.isEmpty {
                let candidate = dir + "/" + relativePath
                if FileManager.default.fileExists(atPath: candidate) {
                    return try DriverRegistry(path: candidate, repository: dir)
                }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        throw DriverError.registryMissing(path: relativePath)
    }

    public static var defaultBuilds: String {
        let env = ProcessInfo.processInfo.environment["PGSSLMATRIX_BUILDS"] ?? ""
        return env.isEmpty ? "/opt/pg-ssl-matrix" : env
    }

    public func expand(_ text: String) -> String {
        text.replacingOccurrences(of: "${BUILDS}", with: builds).replacingOccurrences(of: "${REPO}", with: repository)
    }

    /// The drivers `names` selects (all when empty); an unknown name is `DriverError.unknownDriver`.
    public func select(_ names: [String]) throws -> [Driver] {
        if names.isEmpty { return drivers }
        return try names.map { name in
            guard let d = drivers.first(where: { $0.name == name }) else {
                throw DriverError.unknownDriver(name: name, known: drivers.map(\.name))
            }
            return d
        }
    }

    static func which(_ name: String, path: String) -> String? {
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
