/// The certificate authorities of the matrix PKI, by the subject common name each carries.
/// The model names them in what it predicts (16+ servers log the issuer of a refused client
/// certificate) and `MatrixPKI` issues them under these names, so the two cannot drift apart.
public enum MatrixCA: String, Sendable, CaseIterable {
    /// Issues the server leaves and the client certificates unless a case says otherwise.
    case root = "pg-ssl-matrix root CA"
    /// Issued by the root; issues the `intermediate-*` leaves.
    case intermediate = "pg-ssl-matrix intermediate CA"
    /// A root nobody trusts: issues the "unrelated CA" server leaf and the untrusted client certificate.
    case unrelated = "unrelated CA"

    public var commonName: String { rawValue }
}
