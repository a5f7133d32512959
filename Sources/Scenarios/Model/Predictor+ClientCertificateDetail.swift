/// What a 16+ server adds to "could not accept SSL connection: certificate verify failed"
/// when it refuses a client certificate (be-secure-openssl.c verify_cb, REL_16_STABLE on).
extension Predictor {
    /// The first major whose server logs verify_cb's DETAIL.
    static let clientCertificateDetailSince = 16

    /// The DETAIL line for client-chain failure `f`, or nil before 16.
    ///
    /// verify_cb runs once, on the first failure: it returns OpenSSL's `ok` (0), so
    /// X509_verify_cert stops there. Every client-chain failure the model knows is found at
    /// the leaf, depth 0: an unknown issuer is looked up for the leaf first (the only sent
    /// certificate, or the leaf whose sent intermediate does not lead to ssl_ca_file's roots
    /// is not a case here); check_chain's purpose check starts at the leaf; under
    /// CRL_CHECK_ALL check_revocation walks the chain from the leaf, so a leaf whose issuer
    /// has no CRL, or that its issuer's CRL lists, fails at 0; validity is checked leaf first
    /// too. The certificate is the leaf: subject and issuer as X509_NAME_to_cstring prints
    /// them ("/CN=..."), shortened by prepare_cert_name; the serial as BN_bn2dec prints it,
    /// left as `{serial:NAME}` for the runner to fill from the certificate it generated.
    mutating func clientCertificateFailureDetail(_ f: ChainFailure) -> MessageTemplate? {
        guard server >= Self.clientCertificateDetailSince else { return nil }
        if s.facts != nil {
            // A scenario file's chain check (FileChainCheck) says why the chain fails, not at
            // which depth nor which certificate: the line's wording is predicted, its values
            // ({depth}, {verify_error}, {subject}, {serial}, {issuer}) stay open for such files.
            rule(.serverClientCertificateFailureDetail, ["depth": "{depth}", "verify_error": "{verify_error}"])
            return MessageTemplate(
                "DETAIL:  " + msg(.clientCertVerifyFailedDetail).text + "\n\t" + msg(.clientCertFailedData).text)
        }
        let cert = s.client.certificate
        let subject = Self.preparedCertName("/CN=" + (cert.commonName(for: s.user) ?? s.user))
        let issuer = Self.preparedCertName("/CN=" + cert.issuer.commonName)
        let verifyError = msg(f.verifyError, printedBy: .server).text
        let depth = "0"
        let first = msg(.clientCertVerifyFailedDetail, ["depth": depth, "verify_error": verifyError])
        let data = msg(
            .clientCertFailedData,
            ["subject": subject, "serial": Self.serialPlaceholder(cert.pkiName(for: s.user)), "issuer": issuer])
        rule(.serverClientCertificateFailureDetail, ["depth": depth, "verify_error": verifyError])
        return MessageTemplate("DETAIL:  " + first.text + "\n\t" + data.text)
    }

    /// `{serial:NAME}`: the decimal serial of the run's certificate NAME, which the runner
    /// knows (`PKIMaterial`) and the model cannot (serials come from the run's clock).
    static func serialPlaceholder(_ certificateName: String) -> String { "{serial:\(certificateName)}" }

    /// be-secure-openssl.c prepare_cert_name: a name longer than 71 characters keeps its last
    /// 71, the first three of which become "..." (the most specific field is last); then
    /// pg_clean_ascii writes every byte outside printable ASCII as \xNN.
    static func preparedCertName(_ name: String) -> String {
        let maxLength = 71
        var bytes = Array(name.utf8)
        if bytes.count > maxLength {
            bytes = Array(bytes.suffix(maxLength))
            bytes.replaceSubrange(0..<3, with: Array("...".utf8))
        }
        return bytes.map { byte -> String in
            (32...126).contains(byte)
                ? String(UnicodeScalar(byte)) : "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}
