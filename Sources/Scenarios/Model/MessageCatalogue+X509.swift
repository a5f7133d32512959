extension MessageCatalogue {
    /// OpenSSL's texts for certificate verification errors (`X509_verify_cert_error_string`,
    /// crypto/x509/x509_txt.c), chosen by the OpenSSL release of the side that prints them.
    /// PostgreSQL 16+ servers log them when they refuse a client certificate (verify_cb). Each
    /// text is in the system libcrypto 3.0.19 and in psycopg-binary's bundled 3.5.9 (`strings`).
    static let x509VerifyEntries: [CatalogueEntry] = [
        e(
            .osslVerifyUnableToGetIssuerLocally, ReleaseVersion(3, 0), "unable to get local issuer certificate",
            "\(x509Text) X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY (build_chain: no issuer among the trusted or sent certificates)"
        ),
        e(
            .osslVerifyUnableToGetCRL, ReleaseVersion(3, 0), "unable to get certificate CRL",
            "\(x509Text) X509_V_ERR_UNABLE_TO_GET_CRL (check_cert: no CRL from the certificate's issuer under CRL_CHECK_ALL)"
        ),
        e(.osslVerifyCertRevoked, ReleaseVersion(3, 0), "certificate revoked", "\(x509Text) X509_V_ERR_CERT_REVOKED"),
        e(
            .osslVerifyCertHasExpired, ReleaseVersion(3, 0), "certificate has expired",
            "\(x509Text) X509_V_ERR_CERT_HAS_EXPIRED"),
        e(
            .osslVerifyCertNotYetValid, ReleaseVersion(3, 0), "certificate is not yet valid",
            "\(x509Text) X509_V_ERR_CERT_NOT_YET_VALID"),
        // 1.1.1 said "unsupported certificate purpose"; 3.0 renamed it.
        e(
            .osslVerifyInvalidPurpose, ReleaseVersion(3, 0), "unsuitable certificate purpose",
            "\(x509Text) X509_V_ERR_INVALID_PURPOSE (3.0 wording; 1.1.1: 'unsupported certificate purpose')"),
        e(
            .osslVerifyCertSignatureFailure, ReleaseVersion(3, 0), "certificate signature failure",
            "\(x509Text) X509_V_ERR_CERT_SIGNATURE_FAILURE"),
    ]

    static let x509Text = "OpenSSL crypto/x509/x509_txt.c X509_verify_cert_error_string"
}
