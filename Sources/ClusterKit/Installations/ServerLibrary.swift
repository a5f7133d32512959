import Foundation

/// A directory put first on a server's library path (`--server-library-path NAME|DIR`):
/// the way to start a server on another OpenSSL than the one it was built against, without
/// rebuilding it. PostgreSQL links `libssl.so.3`/`libcrypto.so.3` by soname, so a directory
/// holding those two names (symlinks to another OpenSSL 3 build) decides what the server
/// maps. `scripts/setup --clients psycopg` makes one, `openssl-3.5`, from psycopg-binary's
/// bundled OpenSSL 3.5 (the pinned wheel), under the builds root.
public struct ServerLibrary: Sendable, Hashable, Codable, CustomStringConvertible {
    /// "openssl-3.5", or the directory given.
    public var name: String
    public var directory: String
    /// Where it comes from (the marker's source).
    public var source: String

    public init(name: String, directory: String, source: String) {
        self.name = name
        self.directory = directory
        self.source = source
    }

    public var description: String { "\(name): \(directory) [\(source)]" }

    /// The OpenSSL files the directory offers under the sonames PostgreSQL links, resolved
    /// to the files a process maps (/proc/PID/maps names the resolved file, not the symlink).
    public var openSSLFiles: (libssl: String?, libcrypto: String?) {
        Self.openSSLFiles(in: directory)
    }

    public static func openSSLFiles(in directory: String) -> (libssl: String?, libcrypto: String?) {
        func resolved(_ name: String) -> String? {
            let path = directory + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return realPath(path)
        }
        return (resolved("libssl.so.3"), resolved("libcrypto.so.3"))
    }

    /// The file a process maps for `path`: every symlink resolved, relative ones too
    /// (Debian's `libpq.so.5 -> libpq.so.5.15`), as realpath(3) and /proc/PID/maps do.
    public static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// A directory named on the command line: it must exist; what it holds is checked
    /// against what the server really maps once it runs (`ServerLibrary.verify`).
    public static func at(_ path: String) throws -> ServerLibrary {
        let directory = (path as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InstallationError.unknownSelection(text: path)
        }
        return ServerLibrary(name: directory, directory: directory, source: "given directory")
    }

    /// Fails loudly when a server started with `libraryPath` first did not map the OpenSSL
    /// that directory offers (`mappedLibssl`/`mappedLibcrypto`: the files from the
    /// postmaster's /proc maps; `others`: any further libssl/libcrypto it mapped). A run
    /// that claims "server on OpenSSL 3.5" while the server used the system's would report
    /// the wrong upgrade. A directory without OpenSSL files is not checked here.
    public static func verify(
        libraryPath: String, mappedLibssl: String?, mappedLibcrypto: String?, others: [String] = []
    ) throws {
        let offered = openSSLFiles(in: libraryPath)
        guard offered.libssl != nil || offered.libcrypto != nil else { return }
        var problems: [String] = []
        if mappedLibssl == nil && mappedLibcrypto == nil {
            problems.append("no libssl or libcrypto seen: the server did not start on this library path")
        } else if let want = offered.libssl, want != mappedLibssl {
            problems.append("libssl \(mappedLibssl ?? "none") instead of \(want)")
        }
        if mappedLibssl != nil || mappedLibcrypto != nil, let want = offered.libcrypto, want != mappedLibcrypto {
            problems.append("libcrypto \(mappedLibcrypto ?? "none") instead of \(want)")
        }
        if !others.isEmpty { problems.append("also \(others.joined(separator: ", "))") }
        guard problems.isEmpty else {
            throw InstallationError.serverLibraryNotMapped(
                directory: libraryPath, details: problems.joined(separator: "; "))
        }
    }
}
