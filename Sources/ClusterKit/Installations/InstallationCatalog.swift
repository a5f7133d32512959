import Foundation

/// Every server and client build this machine has: Debian's majors under
/// /usr/lib/postgresql, the builds `scripts/setup --majors/--clients` installed under
/// `PGSSLMATRIX_BUILDS` (default /opt/pg-ssl-matrix), `PGSSLMATRIX_BINDIR`, and bindirs the
/// caller names. Selections (`--server`, `--client`) resolve against it.
public struct InstallationCatalog: Sendable {
    public var servers: [Installation]
    public var clients: [ClientInstallation]
    /// Directories a server can be started with first on its library path
    /// (`--server-library-path`): another OpenSSL for the server side.
    public var serverLibraries: [ServerLibrary] = []
    /// Where each server and client came from, by bindir / name (the build's marker file).
    public var sources: [String: String]

    /// Where `scripts/setup-builds` installs.
    public static var buildsRoot: String {
        let env = ProcessInfo.processInfo.environment["PGSSLMATRIX_BUILDS"] ?? ""
        return env.isEmpty ? "/opt/pg-ssl-matrix" : env
    }

    public static func discover(
        extraBindirs: [String] = [], buildsRoot: String = InstallationCatalog.buildsRoot,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> InstallationCatalog {
        var servers = (try? Installation.all(buildsRoot: buildsRoot)) ?? []
        var bindirs = extraBindirs
        if let fromEnv = environment["PGSSLMATRIX_BINDIR"], !fromEnv.isEmpty { bindirs.append(fromEnv) }
        for bindir in bindirs {
            let installation = try Installation(bindir: bindir)
            if !servers.contains(where: { $0.bindir == installation.bindir }) { servers.append(installation) }
        }
        var sources: [String: String] = [:]
        let system = ClientInstallation.system
        var clients = [system]
        for server in servers {
            let marker = Self.marker(forBuildAt: (server.bindir as NSString).deletingLastPathComponent)
            sources[server.bindir] =
                marker?.source ?? (server.bindir.hasPrefix("/usr/lib/postgresql/") ? "Debian package" : "given bindir")
            // The distribution's server shares the system libpq; a build brings its own.
            guard marker != nil || !server.bindir.hasPrefix("/usr/lib/postgresql/"), let libpq = server.ownLibpq
            else { continue }
            let name = marker?.name ?? server.bindir
            clients.append(
                ClientInstallation(name: name, libpq: libpq, major: server.major, source: sources[server.bindir]!))
        }
        var serverLibraries: [ServerLibrary] = []
        let builds = (try? FileManager.default.contentsOfDirectory(atPath: buildsRoot)) ?? []
        for build in builds.sorted() where !build.hasPrefix("postgresql-") && !build.hasPrefix(".") {
            let directory = buildsRoot + "/" + build
            if let marker = Self.marker(forBuildAt: directory), marker.kind == "server-library" {
                serverLibraries.append(ServerLibrary(name: marker.name, directory: directory, source: marker.source))
                continue
            }
            guard let marker = Self.marker(forBuildAt: directory), marker.kind == "client",
                let libpq = marker.libpq.map({ directory + "/" + $0 })
            else { continue }
            clients.append(
                ClientInstallation(
                    name: marker.name, libpq: libpq, major: marker.check?.libpqVersion.map { $0 / 10000 },
                    source: marker.source))
        }
        return InstallationCatalog(
            servers: servers, clients: clients, serverLibraries: serverLibraries, sources: sources)
    }

    /// `--server MAJOR|BINDIR|NAME`.
    public func server(_ selection: String) throws -> Installation {
        if let major = Int(selection) {
            // Debian's first (the default installation), then a build of that major.
            let matching = servers.filter { $0.major == major }
            guard let chosen = matching.first(where: { $0.bindir.hasPrefix("/usr/lib/postgresql/") }) ?? matching.first
            else {
                throw InstallationError.unknownMajor(major: major, known: Array(Set(servers.map(\.major))).sorted())
            }
            return chosen
        }
        if let named = servers.first(where: { Self.buildName(of: $0) == selection }) { return named }
        guard FileManager.default.fileExists(atPath: selection) else {
            throw InstallationError.unknownSelection(text: selection)
        }
        return try Installation(bindir: selection)
    }

    /// `--server-library-path NAME|DIR`: a directory setup made ("openssl-3.5") or any directory.
    public func serverLibrary(_ selection: String) throws -> ServerLibrary {
        if let named = serverLibraries.first(where: { $0.name == selection }) { return named }
        guard selection.contains("/") else {
            throw InstallationError.unknownServerLibrary(name: selection, known: serverLibraries.map(\.name))
        }
        return try ServerLibrary.at(selection)
    }

    /// `--client MAJOR|LIBDIR|NAME` ("system" or "default": this process's libpq).
    public func client(_ selection: String) throws -> ClientInstallation {
        if selection == "system" || selection == "default" { return clients[0] }
        if let major = Int(selection) {
            // The system libpq when it is that major; else the server build's own libpq.
            guard let chosen = clients.first(where: { $0.major == major }) else {
                throw InstallationError.unknownMajor(
                    major: major, known: Array(Set(clients.compactMap(\.major))).sorted())
            }
            return chosen
        }
        if let named = clients.first(where: { $0.name == selection }) { return named }
        guard FileManager.default.fileExists(atPath: selection) else {
            throw InstallationError.unknownSelection(text: selection)
        }
        return try ClientInstallation.at(selection)
    }

    /// The client that ships with `server`: its own libpq, or the system one for a
    /// distribution server.
    public func ownClient(of server: Installation) -> ClientInstallation {
        clients.first { $0.libpq != nil && $0.libpq == server.ownLibpq && $0.major == server.major } ?? clients[0]
    }

    public static func buildName(of server: Installation) -> String? {
        marker(forBuildAt: (server.bindir as NSString).deletingLastPathComponent)?.name
    }

    /// `pg-ssl-matrix.json`, written by scripts/setup-builds next to what it installed.
    struct BuildMarker: Decodable {
        var name: String
        var kind: String
        var source: String
        var sha256: String
        var libpq: String?
        var check: Check?
        struct Check: Decodable {
            var libpqVersion: Int?
            var openssl: String?
        }
    }

    static func marker(forBuildAt directory: String) -> BuildMarker? {
        guard let data = FileManager.default.contents(atPath: directory + "/pg-ssl-matrix.json") else { return nil }
        return try? JSONDecoder().decode(BuildMarker.self, from: data)
    }
}
