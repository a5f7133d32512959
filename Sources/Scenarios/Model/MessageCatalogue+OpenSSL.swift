extension MessageCatalogue {
    /// Where OpenSSL renamed the SSLv3-era alert reason strings: "sslv3 alert X" became
    /// "ssl/tls alert X" (the alert is TLS's too) in crypto/err/openssl.txt and ssl/ssl_err.c,
    /// openssl/openssl PR #17161 "Update alert to common protocol" (fixes #7953), merged to
    /// master on 2022-01-08, after the 3.0 branch: first released in 3.1.0. The reason codes
    /// (SSL_R_SSLV3_ALERT_*, 1040 + alert number) did not change. Seen here: the system
    /// OpenSSL 3.0.19 prints "sslv3 alert certificate expired", psycopg-binary's bundled 3.5.9
    /// "ssl/tls alert certificate expired", for the same alert from the same server.
    static let sslTLSAlertRename = ReleaseVersion(3, 1)
    static let sslTLSAlertSource =
        "OpenSSL 3.1+ crypto/err/openssl.txt (openssl/openssl PR #17161, 'sslv3 alert' renamed 'ssl/tls alert')"

    /// OpenSSL reason strings (ERR_reason_error_string), chosen by the OpenSSL release of the side
    /// that prints them (libpq's for client messages, the server's for its log).
    static let opensslEntries: [CatalogueEntry] = [
        e(
            .osslCertificateVerifyFailed, ReleaseVersion(3, 0), "certificate verify failed",
            "OpenSSL ssl/ssl_err.c SSL_R_CERTIFICATE_VERIFY_FAILED"),
        e(
            .osslAlertUnknownCA, ReleaseVersion(3, 0), "tlsv1 alert unknown ca",
            "OpenSSL SSL_R_TLSV1_ALERT_UNKNOWN_CA (ssl_verify_alarm_type)"),
        e(
            .osslAlertCertificateExpired, ReleaseVersion(3, 0), "sslv3 alert certificate expired",
            "OpenSSL SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED"),
        e(
            .osslAlertBadCertificate, ReleaseVersion(3, 0), "sslv3 alert bad certificate",
            "OpenSSL SSL_R_SSLV3_ALERT_BAD_CERTIFICATE (not-yet-valid maps here)"),
        e(
            .osslAlertCertificateRevoked, ReleaseVersion(3, 0), "sslv3 alert certificate revoked",
            "OpenSSL SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED"),
        e(.osslAlertCertificateExpired, sslTLSAlertRename, "ssl/tls alert certificate expired", sslTLSAlertSource),
        e(.osslAlertBadCertificate, sslTLSAlertRename, "ssl/tls alert bad certificate", sslTLSAlertSource),
        e(.osslAlertCertificateRevoked, sslTLSAlertRename, "ssl/tls alert certificate revoked", sslTLSAlertSource),
        e(
            .osslAlertUnsupportedCertificate, sslTLSAlertRename, "ssl/tls alert unsupported certificate",
            sslTLSAlertSource),
        e(
            .osslAlertDecryptError, ReleaseVersion(3, 0), "tlsv1 alert decrypt error",
            "OpenSSL SSL_R_TLSV1_ALERT_DECRYPT_ERROR (ssl_verify_alarm_type: X509_V_ERR_CERT_SIGNATURE_FAILURE)"),
        e(
            .osslEVPLib, ReleaseVersion(3, 0), "EVP lib",
            "OpenSSL ERR_R_EVP_LIB, raised by ASN1_item_verify_ctx when the signature does not verify; it is the first error on the queue, so libpq's SSLerrmessage prints it"
        ),
        // The first error on the queue when a certificate's signature does not verify. OpenSSL
        // 3.0: EVP_DigestVerify fails without an error of its own, so the first is the ERR_R_EVP_LIB
        // that ASN1_item_verify_ctx raises. Later OpenSSL raises EVP_R_PROVIDER_SIGNATURE_FAILURE
        // ("provider signature failure") inside EVP_DigestVerify/EVP_DigestVerifyFinal when the
        // provider's verify fails (crypto/evp/m_sigver.c; openssl/openssl PR #27367, "compensate
        // for providers not adding error queue entries ... sigver"), before ASN1's EVP lib, so
        // libpq's SSLerrmessage (ERR_get_error: the earliest) prints that. Seen here: 3.0.19 says
        // "EVP lib", psycopg-binary's 3.5.9 "provider signature failure" for the same forged root.
        // The string is absent from 3.0's libcrypto; the PR came after 3.5.0, so 3.1-3.4 and the
        // first 3.5.x patch releases are not verified here: the entry starts at 3.5, the oldest
        // release seen with it.
        e(
            .osslEVPLib, ReleaseVersion(3, 5), "provider signature failure",
            "OpenSSL 3.5 (seen: 3.5.9) crypto/evp/m_sigver.c EVP_DigestVerify raises EVP_R_PROVIDER_SIGNATURE_FAILURE (openssl/openssl PR #27367)"
        ),
        e(
            .osslAlertUnsupportedCertificate, ReleaseVersion(3, 0), "sslv3 alert unsupported certificate",
            "OpenSSL SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE (ssl_verify_alarm_type: X509_V_ERR_INVALID_PURPOSE)"),
        e(
            .osslAlertProtocolVersion, ReleaseVersion(3, 0), "tlsv1 alert protocol version",
            "OpenSSL SSL_R_TLSV1_ALERT_PROTOCOL_VERSION"),
        e(
            .osslUnsupportedProtocol, ReleaseVersion(3, 0), "unsupported protocol",
            "OpenSSL SSL_R_UNSUPPORTED_PROTOCOL (ssl_choose_server_version)"),
        e(.osslBadDecrypt, ReleaseVersion(3, 0), "bad decrypt", "OpenSSL EVP_R_BAD_DECRYPT"),
        e(
            .osslUnsupported, ReleaseVersion(3, 0), "unsupported",
            "OpenSSL ERR_R_UNSUPPORTED (decoder found no usable key in the decrypted bytes)"),
        e(
            .osslKeyValuesMismatch, ReleaseVersion(3, 0), "key values mismatch",
            "OpenSSL X509_R_KEY_VALUES_MISMATCH (X509_check_private_key via ssl_set_pkey)"),
        e(
            .osslProcessingError, ReleaseVersion(3, 0), "processing error",
            "OpenSSL UI_R_PROCESSING_ERROR (PEM_def_callback with no terminal)", verified: false),
    ]
}
