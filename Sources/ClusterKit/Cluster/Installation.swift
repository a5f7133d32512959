import Foundation

/// One installed PostgreSQL server: a bindir with initdb, pg_ctl and postgres.
///
/// Discovery order: an explicit bindir (CLI option), then `PGSSLMATRIX_BINDIR`, then the
/// newest major under `/usr/lib/postgresql/*/bin` (Debian's layout), then `pg_config --bindir`.
public struct Installation: Sendable, Hashable, CustomStringConvertible {
    public let bindir: String
    /// "15.18 (Debian 15.18-0+deb12u1)"
    public let version: String
    /// 15
    public let major: Int

    public var description: String { "PostgreSQL \(version) at \(bindir)" }

    public func tool(_ name: String) -> String { "\(bindir)/\(name)" }

    static let requiredTools = ["initdb", "pg_ctl", "postgres"]

    /// Validates `bindir` and reads the server version from `postgres --version`.
    public init(bindir rawBindir: String) throws {
        let bindir = (rawBindir as NSString).standardizingPath
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: bindir, isDirectory: &isDir), isDir.boolValue else {
            throw ClusterKitError.incompleteInstallation(bindir: bindir, missing: ["the directory itself"])
        }
        let missing = Installation.requiredTools.filter {
            !FileManager.default.isExecutableFile(atPath: "\(bindir)/\($0)")
        }
        guard missing.isEmpty else { throw ClusterKitError.incompleteInstallation(bindir: bindir, missing: missing) }
        self.bindir = bindir
        let (version, major) = try Installation.readVersion(postgres: "\(bindir)/postgres")
        self.version = version
        self.major = major
    }

    /// The installation to use when nobody said which: env override, else the newest found.
    public static func discover(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        searchRoot: String = "/usr/lib/postgresql",
        pgConfigCandidates: [String] = ["/usr/bin/pg_config", "/usr/local/bin/pg_config"]
    ) throws -> Installation {
        if let explicit, !explicit.isEmpty { return try Installation(bindir: explicit) }
        if let fromEnv = environment["PGSSLMATRIX_BINDIR"], !fromEnv.isEmpty {
            return try Installation(bindir: fromEnv)
        }
        guard let newest = try all(searchRoot: searchRoot, pgConfigCandidates: pgConfigCandidates).last else {
            throw ClusterKitError.noPostgreSQLInstalled(
                searched: ["\(searchRoot)/*/bin"] + pgConfigCandidates.map { "\($0) --bindir" })
        }
        return newest
    }

    /// Every usable installation, oldest major first.
    public static func all(
        searchRoot root: String = "/usr/lib/postgresql",
        pgConfigCandidates: [String] = ["/usr/bin/pg_config", "/usr/local/bin/pg_config"]
    ) throws -> [Installation] {
        var bindirs: [String] = []
        if let majors = try? FileManager.default.contentsOfDirectory(atPath: root) {
            bindirs += majors.map { "\(root)/\($0)/bin" }
        }
        if let fromPgConfig = pgConfigBindir(candidates: pgConfigCandidates) { bindirs.append(fromPgConfig) }
        var seen = Set<String>()
        var found: [Installation] = []
        for dir in bindirs {
            let resolved = (dir as NSString).resolvingSymlinksInPath
            guard !seen.contains(resolved), let inst = try? Installation(bindir: resolved) else { continue }
            seen.insert(resolved)
            found.append(inst)
        }
        return found.sorted { ($0.major, $0.bindir) < ($1.major, $1.bindir) }
    }

    static func pgConfigBindir(candidates: [String]) -> String? {
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            guard let out = try? runSync(candidate, ["--bindir"]) else { continue }
            let dir = out.trimmingCharacters(in: .whitespacesAndNewlines)
            if !dir.isEmpty { return dir }
        }
        return nil
    }

    static func readVersion(postgres: String) throws -> (String, Int) {
        // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        let out = try runSync(postgres, ["--version"])
        guard let range = out.range(of: "(PostgreSQL) ") else {
            throw ClusterKitError.incompleteInstallation(bindir: postgres, missing: ["a readable `postgres --version`"])
        }
        let version = out[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        let major = Int(version.prefix { $0.isNumber }) ?? 0
        return (version, major)
    }

    /// Version probing happens before any async context exists (CLI option parsing,
    /// test argument lists), so it uses a plain blocking Process: it runs once per bindir.
    /// A given bindir is somebody else's program: as root it runs as the unprivileged server
    /// account (or `nobody`), and it has `timeout` seconds before it is killed.
    static func runSync(_ path: String, _ args: [String], timeout: Double = 60) throws -> String {
        let process = Process()
        if geteuid() == 0 {
            let account = try? ServerAccount.current()
            let uid = account?.uid ?? 65534
            let gid = account?.gid ?? 65534
            process.executableURL = URL(fileURLWithPath: Command.setpriv)
            process.arguments = ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--", path] + args
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = args
        }
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        process.environment = Command.cleanEnvironment()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        let token = ProcessTable.add(pid: process.processIdentifier, command: ([path] + args).joined(separator: " "))
        defer { ProcessTable.remove(token: token) }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 5)
            throw ClusterKitError.commandTimedOut(command: "\(path) \(args.joined(separator: " "))", seconds: timeout)
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self)
    }
}
