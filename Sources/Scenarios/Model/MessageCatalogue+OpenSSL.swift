extension MessageCatalogue {
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
        e(
            .osslAlertDecryptError, ReleaseVersion(3, 0), "tlsv1 alert decrypt error",
            "OpenSSL SSL_R_TLSV1_ALERT_DECRYPT_ERROR (ssl_verify_alarm_type: X509_V_ERR_CERT_SIGNATURE_FAILURE)"),
        e(
            .osslEVPLib, ReleaseVersion(3, 0), "EVP lib",
            "OpenSSL ERR_R_EVP_LIB, raised by ASN1_item_verify_ctx when the signature does not verify; it is the first error on the queue, so libpq's SSLerrmessage prints it"
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
