import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The libpq, libssl and libcrypto a client process really mapped (from /proc/self/maps),
/// with the versions the libraries themselves report. Reported per case, because a libpq
/// that binds half its OpenSSL calls to another copy (two OpenSSLs in one process: ELF
/// global symbol lookup) gives answers neither OpenSSL would give.
public struct ClientLibraries: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Every mapped file whose name starts with "libpq" (normally one).
    public var libpq: [String]
    /// PQlibVersion() of the libpq the client uses, e.g. 180006.
    public var libpqVersion: Int
    public var libssl: [String]
    public var libcrypto: [String]
    /// OpenSSL_version(OPENSSL_VERSION) of the mapped libcrypto, e.g. "OpenSSL 3.5.9 29 Sep 2026".
    public var openssl: String?

    public init(libpq: [String], libpqVersion: Int, libssl: [String], libcrypto: [String], openssl: String?) {
        self.libpq = libpq
        self.libpqVersion = libpqVersion
        self.libssl = libssl
        self.libcrypto = libcrypto
        self.openssl = openssl
    }

    /// Nothing mapped: what a driver probe (its own TLS stack, no libpq) reports.
    public static let none = ClientLibraries(libpq: [], libpqVersion: 0, libssl: [], libcrypto: [], openssl: nil)

    /// More than one libpq, libssl or libcrypto in the process: its TLS results cannot be trusted.
    public var isMixed: Bool { libpq.count > 1 || libssl.count > 1 || libcrypto.count > 1 }

    /// "18.6" from 180006 (10+: major*10000 + minor).
    public var libpqVersionText: String { "\(libpqVersion / 10000).\(libpqVersion % 10000)" }

    /// "OpenSSL 3.5.9" without the date.
    public var opensslShort: String? {
        openssl.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
    }

    public var description: String {
        "libpq \(libpqVersionText) (\(libpq.joined(separator: ", "))), \(openssl ?? "no OpenSSL") "
            + "(libssl \(libssl.joined(separator: ", ")); libcrypto \(libcrypto.joined(separator: ", ")))"
    }

    /// What this process maps now, for a client using `library`.
    public static func current(using library: LibPQLibrary) -> ClientLibraries {
        let mapped = mappedFiles()
        let libcrypto = named("libcrypto", in: mapped)
        return ClientLibraries(
            libpq: named("libpq", in: mapped), libpqVersion: library.version, libssl: named("libssl", in: mapped),
            libcrypto: libcrypto, openssl: libcrypto.count == 1 ? opensslVersion(libcrypto[0]) : nil)
    }

    /// Shared objects mapped into this process, symlinks resolved, sorted.
    public static func mappedFiles() -> [String] {
        // /proc files report size 0: read to the end, not by size.
        guard let data = FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() else { return [] }
        let paths = Set(
            String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
                guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last,
                    path.hasPrefix("/"), path.contains(".so")
                else { return nil }
                return (String(path) as NSString).resolvingSymlinksInPath
            })
        return paths.sorted()
    }

    /// Files among `mapped` whose name starts with `prefix` followed by '.' or '-'
    /// (auditwheel renames libssl.so.3 to libssl-<hash>.so.3).
    public static func named(_ prefix: String, in mapped: [String]) -> [String] {
        mapped.filter {
            let name = ($0 as NSString).lastPathComponent
            return name.hasPrefix(prefix + ".") || name.hasPrefix(prefix + "-")
        }
    }

    /// Asks an already mapped libcrypto for its version (RTLD_NOLOAD: never loads a new copy).
    static func opensslVersion(_ path: String) -> String? {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD) else { return nil }
        defer { dlclose(handle) }
        guard let symbol = dlsym(handle, "OpenSSL_version") else { return nil }
        let version = unsafeBitCast(symbol, to: (@convention(c) (Int32) -> UnsafePointer<CChar>?).self)
        return version(0).map { String(cString: $0) }
    }
}
