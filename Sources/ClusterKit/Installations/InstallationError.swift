import Foundation

/// Why an installation or client selection cannot be used; nothing has been started when
/// one of these is thrown. Stable codes, a description that names the fix.
public enum InstallationError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownMajor(major: Int, known: [Int])
    case noLibpq(directory: String)
    case libpqLoadFailed(path: String, reason: String)
    case mixedOpenSSL(details: String)
    case workerMissing(path: String)
    case workerFailed(reason: String)
    /// The worker process ended while it handled a request (a crash, an exit): how it ended
    /// ("was killed by signal 4 (SIGILL)") and what it wrote to stderr meanwhile.
    case workerDied(how: String, stderr: String)
    case unknownSelection(text: String)
    case serverLibraryNotMapped(directory: String, details: String)
    case unknownServerLibrary(name: String, known: [String])

    public var code: String {
        switch self {
        case .unknownMajor: "unknown-major"
        case .noLibpq: "no-libpq"
        case .libpqLoadFailed: "libpq-load-failed"
        case .mixedOpenSSL: "mixed-openssl"
        case .workerMissing: "client-worker-missing"
        case .workerFailed: "client-worker-failed"
        case .workerDied: "client-worker-died"
        case .unknownSelection: "unknown-installation"
        case .serverLibraryNotMapped: "server-library-not-mapped"
        case .unknownServerLibrary: "unknown-server-library"
        }
    }

    public var description: String {
        let text: String
        switch self {
        case .unknownMajor(let major, let known):
            text =
                "PostgreSQL \(major) is not installed here (found: \(known.map(String.init).joined(separator: ", "))). "
                + "Install it with `scripts/setup --majors \(major)` (pinned builds: 14, 16, 17, 18; 15 is Debian's), "
                + "or pass its bindir"
        case .noLibpq(let directory):
            text =
                "\(directory) holds no libpq (looked for libpq.so.5* and libpq-*.so.5*, also in ../lib). "
                + "Pass a directory that contains the libpq the client should load, e.g. /opt/pg-ssl-matrix/postgresql-18/lib"
        case .libpqLoadFailed(let path, let reason):
            text =
                "the libpq at \(path) cannot be loaded: \(reason). Reinstall that build (`make majors`) or choose another --client"
        case .mixedOpenSSL(let details):
            text =
                "a client process maps more than one OpenSSL or libpq (\(details)); its TLS results cannot be trusted. "
                + "The client worker must link no OpenSSL of its own; rebuild it (swift build) and check it with ldd"
        case .workerMissing(let path):
            text =
                "the client worker executable \(path) does not exist. Build it with `swift build` "
                + "(product pgssl-client-worker) or set PGSSLMATRIX_CLIENT_WORKER to its path"
        case .workerFailed(let reason):
            text = "the client worker failed: \(reason)"
        case .workerDied(let how, let stderr):
            text =
                "the client worker \(how) while it handled the request"
                + (stderr.isEmpty ? " (it wrote nothing to stderr)" : "; its stderr: \(stderr)")
        case .unknownSelection(let text_):
            text =
                "'\(text_)' is neither an installed major, an installation name (see `sslmatrix installations`) "
                + "nor a directory"
        case .unknownServerLibrary(let name, let known):
            text =
                "no server library directory named '\(name)' (known: \(known.isEmpty ? "none" : known.joined(separator: ", "))). "
                + "`scripts/setup --clients psycopg` makes openssl-3.5 (psycopg-binary's OpenSSL 3.5 for servers); "
                + "or give a directory holding libssl.so.3 and libcrypto.so.3"
        case .serverLibraryNotMapped(let directory, let details):
            text =
                "the server was started with \(directory) first on its library path but mapped another OpenSSL "
                + "(\(details)); its results would be reported for the wrong OpenSSL. Check that the directory's "
                + "libssl.so.3/libcrypto.so.3 load (ldd), and that the server binary has no RPATH that wins over "
                + "LD_LIBRARY_PATH"
        }
        return "error[\(code)]: \(text)"
    }
}
