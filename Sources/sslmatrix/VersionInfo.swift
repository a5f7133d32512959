import ClusterKit
import Foundation
import Scenarios

/// What a run ran against, recorded in every report and baseline header.
///
/// Where each value comes from, and why:
/// - `server`, `major`: `postgres --version` of the installation.
/// - `libpq`: `PQlibVersion()` of the libpq this process loaded.
/// - `serverSSLLibrary`: `SHOW ssl_library` (only says "OpenSSL").
/// - `serverOpenSSL`: the OpenSSL the running postmaster actually mapped: the libssl and
///   libcrypto paths from `/proc/<postmaster pid>/maps`, the version text OpenSSL compiles
///   into libcrypto (`OPENSSL_VERSION_TEXT`, e.g. "OpenSSL 3.0.19 27 Jan 2026") read from
///   that file, and the Debian package owning it when dpkg knows it. `ldd postgres` would
///   say what the loader would pick today; the maps say what this server really used.
/// - `libpqSSLLibrary`: `OpenSSL_version()` of this process: libpq has no API for its
///   OpenSSL, but it is loaded into this process and shares its libssl/libcrypto.
/// - `opensslCLI`: `openssl version`, the tool people reproduce cases with.
struct VersionInfo: Codable, Sendable, Hashable {
    var server: String
    var major: Int
    var libpq: Int
    var serverSSLLibrary: String?
    var serverOpenSSL: ServerOpenSSL?
    var libpqSSLLibrary: String?
    var opensslCLI: String?
    /// The libpq, libssl and libcrypto the client really mapped (this process's, or a client
    /// worker's): `libpq` and `libpqSSLLibrary` above come from it.
    var clientLibraries: ClientLibraries?

    /// The OpenSSL a running postmaster mapped.
    struct ServerOpenSSL: Codable, Sendable, Hashable {
        var libssl: String?
        var libcrypto: String?
        /// OPENSSL_VERSION_TEXT found in the mapped libcrypto.
        var version: String?
        /// "libssl3 3.0.19-1~deb12u2" when a dpkg package owns the libssl file.
        var package: String?
        /// Any further libssl/libcrypto files mapped (two OpenSSLs in one server); nil when
        /// there is one of each, as there should be.
        var others: [String]?
    }

    /// Throws when the server was asked to run on a library path holding an OpenSSL
    /// (`--server-library-path`) and its postmaster mapped another one, or none could be seen.
    func verifyServerLibrary(of installation: Installation) throws {
        guard let libraryPath = installation.libraryPath else { return }
        try ServerLibrary.verify(
            libraryPath: libraryPath, mappedLibssl: serverOpenSSL?.libssl, mappedLibcrypto: serverOpenSSL?.libcrypto,
            others: serverOpenSSL?.others ?? [])
    }

    /// Whether the model claims both sides' majors (otherwise: observed only).
    var modelKnowsVersion: Bool { modelVersions.modelKnows }

    /// What the model predicts for: the server's major, this process's libpq major, and the
    /// OpenSSL each side really mapped.
    var modelVersions: Versions {
        Versions(
            server: major, libpq: ReleaseVersion(versionNumber: libpq).major,
            serverOpenSSL: serverOpenSSL?.version.flatMap { ReleaseVersion(openSSLText: $0) },
            clientOpenSSL: libpqSSLLibrary.flatMap { ReleaseVersion(openSSLText: $0) })
    }

    /// "3.0" from "OpenSSL 3.0.19 27 Jan 2026": the server's OpenSSL when known, else libpq's.
    var opensslMajorMinor: String {
        let text = serverOpenSSL?.version ?? libpqSSLLibrary ?? ""
        let parts = text.split(separator: " ").dropFirst().first?.split(separator: ".") ?? []
        return parts.count >= 2 ? "\(parts[0]).\(parts[1])" : "unknown"
    }

    static func collect(_ installation: Installation, client: ProbeClient = .inProcess) async -> VersionInfo {
        let libraries = client.libraries
        var info = VersionInfo(server: installation.version, major: installation.major, libpq: libraries.libpqVersion)
        info.opensslCLI = (try? await Command.run("openssl", ["version"]))?.standardOutput.trimmingCharacters(
            in: .whitespacesAndNewlines)
        info.libpqSSLLibrary = libraries.openssl
        info.clientLibraries = libraries
        if let cluster = try? await Cluster.create(installation: installation) {
            if (try? await cluster.start()) != nil {
                info.serverSSLLibrary = try? await cluster.queryValue("SHOW ssl_library")
                info.serverOpenSSL = await serverOpenSSL(dataDirectory: cluster.dataDirectory)
            }
            await cluster.destroy()
        }
        return info
    }

    /// Reads the postmaster's memory map (we run as root, or as the server's owner).
    static func serverOpenSSL(dataDirectory: String) async -> ServerOpenSSL? {
        guard let pidText = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let pid = pidText.split(separator: "\n").first.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
            // /proc files report size 0: read to the end, not by size.
            let data = FileHandle(forReadingAtPath: "/proc/\(pid)/maps")?.readDataToEndOfFile()
        else { return nil }
        let maps = String(decoding: data, as: UTF8.self)
        let paths = Set(
            maps.split(separator: "\n").compactMap { line in
                line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
            }.filter { $0.hasPrefix("/") })
        var found = ServerOpenSSL()
        // Debian names them libssl.so.3; an auditwheel-renamed build libssl-<hash>.so.3.
        func named(_ stem: String) -> [String] {
            paths.filter {
                let name = ($0 as NSString).lastPathComponent
                return name.hasPrefix(stem + ".so") || (name.hasPrefix(stem + "-") && name.contains(".so"))
            }.sorted()
        }
        let ssl = named("libssl"), crypto = named("libcrypto")
        found.libssl = ssl.first
        found.libcrypto = crypto.first
        let others = Array(ssl.dropFirst()) + Array(crypto.dropFirst())
        found.others = others.isEmpty ? nil : others
        if let crypto = found.libcrypto { found.version = versionText(inLibrary: crypto) }
        if let ssl = found.libssl { found.package = await owningPackage(ssl) }
        return found
    }

    /// OpenSSL compiles "OpenSSL x.y.z dd Mon yyyy" into libcrypto; find it in the file.
    static func versionText(inLibrary path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let needle = Array("OpenSSL ".utf8)
        var searchFrom = data.startIndex
        while let range = data.range(of: Data(needle), in: searchFrom..<data.endIndex) {
            var end = range.upperBound
            while end < data.endIndex, data[end] >= 0x20, data[end] < 0x7f, end - range.lowerBound < 64 { end += 1 }
            let text = String(decoding: data[range.lowerBound..<end], as: UTF8.self)
            if text.range(of: #"^OpenSSL \d+\.\d+\.\d+[a-z]* +\d+ \w+ \d{4}"#, options: .regularExpression) != nil {
                return text
            }
            searchFrom = range.upperBound
        }
        return nil
    }

    static func owningPackage(_ path: String) async -> String? {
        guard let owner = try? await Command.run("dpkg-query", ["-S", path]), owner.succeeded,
            let package = owner.standardOutput.split(separator: ":").first.map(String.init)
        else { return nil }
        let version = try? await Command.run("dpkg-query", ["-W", "-f", "${Version}", package])
        return version?.succeeded == true ? "\(package) \(version!.standardOutput)" : package
    }
}
