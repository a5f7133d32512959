/// One file (or hashed directory) to write, and what goes in it.
///
/// A file is a list of objects in the order given: a server chain is
/// `[.certificate("server"), .certificate("intermediate")]`, a client root bundle
/// `[.certificate("root"), .certificate("intermediate")]`, a CRL bundle several `.crl`.
/// The owner role says which process must read it: PostgreSQL refuses a server key that
/// is not owned by the server's account, libpq one not owned by the client user.
public struct OutputFileSpec: Codable, Hashable, Sendable {
    public enum Object: Codable, Hashable, Sendable {
        case certificate(String)
        case privateKey(String)
        case crl(String)
    }

    public enum Format: String, Codable, Hashable, Sendable {
        case pem
        /// One object only (DER has no concatenation).
        case der
        /// A directory of `<hash>.N` certificates and `<hash>.rN` CRLs, as `openssl rehash`
        /// lays it out, for `-CApath` and PostgreSQL's `ssl_crl_dir`/`sslcrldir`.
        case hashedDirectory
    }

    public enum OwnerRole: String, Codable, Hashable, Sendable {
        /// The server account (`ServerAccount`): server key, server-side CA/CRL files.
        case server
        /// The user running the harness (libpq reads these).
        case client
        /// root with the server account's group: PostgreSQL also accepts a root-owned
        /// server key with mode 0640, and the group lets the server read it.
        case rootWithServerGroup
    }

    /// A file name relative to the materialize directory; also the key in `PKIMaterial.files`.
    public var name: String
    public var contents: [Object]
    public var format: Format
    public var keyEncoding: PrivateKeyEncoding
    /// nil: 0600 when the file holds a private key, 0644 otherwise (0755 for a directory).
    public var mode: UInt16?
    public var owner: OwnerRole

    public init(
        name: String, contents: [Object], format: Format = .pem, keyEncoding: PrivateKeyEncoding = .pkcs8,
        mode: UInt16? = nil, owner: OwnerRole = .client
    ) {
        self.name = name
        self.contents = contents
        self.format = format
        self.keyEncoding = keyEncoding
        self.mode = mode
        self.owner = owner
    }

    var holdsPrivateKey: Bool {
        contents.contains { if case .privateKey = $0 { true } else { false } }
    }

    var effectiveMode: UInt16 {
        if let mode { return mode }
        if format == .hashedDirectory { return 0o755 }
        return holdsPrivateKey ? 0o600 : 0o644
    }
}
