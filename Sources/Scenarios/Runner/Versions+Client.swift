import ClusterKit

extension Versions {
    /// The versions when `client` (in-process or a client worker) connects to `installation`'s
    /// server: the libpq major and client OpenSSL from what the client process really mapped.
    public static func with(
        server installation: Installation, client: ClientLibraries, serverOpenSSL: ReleaseVersion? = nil
    ) -> Versions {
        Versions(
            server: installation.major, libpq: ReleaseVersion(versionNumber: client.libpqVersion).major,
            serverOpenSSL: serverOpenSSL, clientOpenSSL: client.openssl.flatMap { ReleaseVersion(openSSLText: $0) })
    }
}
