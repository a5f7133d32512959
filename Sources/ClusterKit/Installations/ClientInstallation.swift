import Foundation

/// A libpq a probe can connect through: the system one this process links (in-process, the
/// fast path) or another build's, loaded by a client worker.
public struct ClientInstallation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// "system", "postgresql-18", "psycopg-binary-libpq", or the directory given.
    public var name: String
    /// The libpq file a worker loads; nil for the system libpq, used in-process.
    public var libpq: String?
    /// libpq's major when known without loading it (the build's server major, or the
    /// version its install check recorded); nil otherwise.
    public var major: Int?
    /// Where it comes from (Debian package, PyPI wheel and version).
    public var source: String
    /// Put first on the worker's library path (LD_LIBRARY_PATH): set when the libpq's own
    /// directory holds `libssl.so.3`/`libcrypto.so.3` (an unpacked Debian libpq5 + libssl3
    /// side by side), so a libpq that names its OpenSSL by soname loads that one and not the
    /// system's. nil: the libpq's RUNPATH and the system decide.
    public var libraryPath: String?

    public init(name: String, libpq: String?, major: Int?, source: String) {
        self.name = name
        self.libpq = libpq
        self.major = major
        self.source = source
    }

    public var isSystem: Bool { libpq == nil }

    public var description: String {
        "\(name): \(libpq ?? "system libpq (in-process)") [\(source)]"
            + (libraryPath.map { " (library path \($0))" } ?? "")
    }

    /// The system libpq, in-process.
    public static var system: ClientInstallation {
        ClientInstallation(
            name: "system", libpq: nil, major: LibPQLibrary.system.version / 10000,
            source: "the libpq this program links (pkg-config libpq)")
    }

    /// A probe client for this libpq: in-process for the system one, else a worker pool
    /// (which checks that the libpq loads and that nothing maps a second OpenSSL).
    public func makeClient(executable: String = ClientWorkerPool.defaultExecutable) async throws -> ProbeClient {
        guard let libpq else { return .inProcess }
        let environment = libraryPath.map { ["LD_LIBRARY_PATH": $0] } ?? [:]
        return .worker(
            try await ClientWorkerPool(libpq: libpq, executable: executable, extraEnvironment: environment))
    }

    /// The client for `directory`: a libpq file, a directory holding one, or a bindir whose
    /// `../lib` holds one. Throws `.noLibpq` when there is none.
    public static func at(_ directory: String) throws -> ClientInstallation {
        let path = (directory as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InstallationError.noLibpq(directory: path)
        }
        if !isDirectory.boolValue {
            var given = ClientInstallation(name: path, libpq: path, major: nil, source: "given file")
            given.libraryPath = ownOpenSSLDirectory(of: path)
            return given
        }
        let sibling = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("lib")
        for candidate in [path, path + "/lib", sibling] {
            if let file = libpqFile(in: candidate) {
                var given = ClientInstallation(name: path, libpq: file, major: nil, source: "given directory")
                given.libraryPath = ownOpenSSLDirectory(of: file)
                return given
            }
        }
        throw InstallationError.noLibpq(directory: path)
    }

    /// The libpq's directory when it also holds OpenSSL under the sonames libpq links.
    static func ownOpenSSLDirectory(of libpq: String) -> String? {
        let directory = (libpq as NSString).deletingLastPathComponent
        let files = ServerLibrary.openSSLFiles(in: directory)
        return files.libssl != nil || files.libcrypto != nil ? directory : nil
    }

    /// `libpq.so.5` in `directory`, else an auditwheel-renamed `libpq-<hash>.so.5*`.
    public static func libpqFile(in directory: String) -> String? {
        if FileManager.default.fileExists(atPath: directory + "/libpq.so.5") { return directory + "/libpq.so.5" }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("libpq-") && $0.contains(".so.5") }.sorted().first.map {
            directory + "/" + $0
        }
    }
}
