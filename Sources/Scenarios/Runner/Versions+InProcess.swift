import ClusterKit

extension Versions {
    /// The versions when this process's own libpq connects to `installation`'s server: the
    /// libpq major from `PQlibVersion()` (what the loader really gave this process, not the
    /// installation's), the client OpenSSL from `OpenSSL_version()` (libpq shares this
    /// process's libssl), and the server's OpenSSL when the caller found it (from the
    /// postmaster's memory map), else unknown.
    public static func inProcess(server installation: Installation, serverOpenSSL: ReleaseVersion? = nil) -> Versions {
        Versions(
            server: installation.major, libpq: ReleaseVersion(versionNumber: PGConnection.libraryVersion).major,
            serverOpenSSL: serverOpenSSL, clientOpenSSL: ReleaseVersion(openSSLText: OpenSSLLibrary.version))
    }
}
