import Foundation

/// What `PKI.materialize` wrote: file paths by name and the facts about each certificate
/// that tests and the matrix need (serials for revocation, subjects for DN maps,
/// fingerprints to recognise a certificate in a log).
public struct PKIMaterial: Hashable, Sendable {
    public struct Certificate: Hashable, Sendable {
        public var name: String
        /// Upper-case hex without separators, as `openssl x509 -serial` prints it.
        public var serialHex: String
        /// RFC 2253, as PostgreSQL compares it with `clientname=DN`.
        public var subject: String
        public var issuer: String
        /// `AB:CD:...`, as `openssl x509 -fingerprint -sha256` prints it.
        public var sha256Fingerprint: String
        public var notBefore: Date
        public var notAfter: Date
        public var isCA: Bool

        /// The serial in decimal, as `BN_bn2dec` prints it: PostgreSQL 16+ logs it this way
        /// when it refuses a client certificate ("Failed certificate data (unverified): ...
        /// serial number N").
        public var serialDecimal: String { PKIText.decimal(hex: serialHex) ?? serialHex }
    }

    public var directory: String
    /// Output file name -> absolute path.
    public var files: [String: String]
    public var certificates: [String: Certificate]
    /// The `now` every validity window was computed from.
    public var now: Date

    /// The path of an output file, or `unknownPKIName` when the spec did not ask for it.
    public func path(_ fileName: String) throws -> String {
        guard let path = files[fileName] else { throw ClusterKitError.unknownPKIName(name: fileName) }
        return path
    }

    public func certificate(_ name: String) throws -> Certificate {
        guard let certificate = certificates[name] else { throw ClusterKitError.unknownPKIName(name: name) }
        return certificate
    }
}
