extension MessageCatalogue {
    /// libpq's own texts (src/interfaces/libpq), chosen by the libpq major.
    static let libpqEntries: [CatalogueEntry] = [
        // Prefixes: PG 14 added "connection to server at ... failed: " (emitHostIdentityInfo); before, no prefix.
        e(.prefixTCP, 12, "", "\(feConnect) (no per-attempt prefix before 14)", verified: false),
        e(
            .prefixTCP, 14, "connection to server at \"{display_host}\", port {port} failed: ",
            "\(feConnect) emitHostIdentityInfo (hostaddr given: displays hostaddr)"),
        e(.prefixTCPWithAddress, 12, "", "\(feConnect) (no per-attempt prefix before 14)", verified: false),
        e(
            .prefixTCPWithAddress, 14, "connection to server at \"{display_host}\" ({host_addr}), port {port} failed: ",
            "\(feConnect) emitHostIdentityInfo (host name only, resolved address differs)"),
        e(.prefixSocket, 12, "", "\(feConnect) (no per-attempt prefix before 14)", verified: false),
        e(
            .prefixSocket, 14, "connection to server on socket \"{socket}\" failed: ",
            "\(feConnect) emitHostIdentityInfo"),
        e(
            .serverErrorLine, 12, "{severity}:  {message}\n",
            "src/interfaces/libpq/fe-protocol3.c pqBuildErrorMessage3 (default verbosity)", verified: false),
        e(
            .sslRequiredButRefused, 12, "server does not support SSL, but SSL was required\n",
            "\(feConnect) PQconnectPoll CONNECTION_SSL_STARTUP"),
        e(
            .rootCertMissing, 12,
            "root certificate file \"{rootcert}\" does not exist\nEither provide the file or change sslmode to disable server certificate verification.\n",
            "\(feOpenSSL) initialize_SSL"),
        e(
            .rootCertMissing, 16,
            "root certificate file \"{rootcert}\" does not exist\nEither provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification.\n",
            "\(feOpenSSL) initialize_SSL (sslrootcert=system added in 16)", verified: false),
        e(.sslError, 12, "SSL error: {detail}\n", "\(feOpenSSL) open_client_SSL / pgtls_read SSL_ERROR_SSL"),
        e(
            .protocolRangeHint, 13,
            "This may indicate that the server does not support any SSL protocol version between {min} and {max}.\n",
            "\(feOpenSSL) open_client_SSL (hint added in 13)"),
        e(
            .invalidProtocolRange, 13, "invalid SSL protocol version range\n",
            "\(feConnect) connectOptions2 sslVerifyProtocolRange"),
        e(
            .nameMismatchOne, 12, "server certificate for \"{first_name}\" does not match host name \"{host}\"\n",
            "\(feCommon) pq_verify_peer_name_matches_certificate"),
        e(
            .nameMismatchOthersSingular, 12,
            "server certificate for \"{first_name}\" (and {others} other name) does not match host name \"{host}\"\n",
            "\(feCommon) pq_verify_peer_name_matches_certificate (ngettext singular)"),
        e(
            .nameMismatchOthersPlural, 12,
            "server certificate for \"{first_name}\" (and {others} other names) does not match host name \"{host}\"\n",
            "\(feCommon) pq_verify_peer_name_matches_certificate (ngettext plural)"),
        e(
            .noHostNameInCertificate, 12, "could not get server's host name from server certificate\n",
            "\(feCommon) pq_verify_peer_name_matches_certificate"),
        e(
            .keyGroupWorldAccess, 12,
            "private key file \"{sslkey}\" has group or world access; permissions should be u=rw (0600) or less\n",
            "\(feOpenSSL) initialize_SSL (before the 2022 minor releases)", verified: false),
        e(
            .keyGroupWorldAccess, 14,
            "private key file \"{sslkey}\" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root\n",
            "\(feOpenSSL) initialize_SSL (root-owned 0640 allowed; back-patched in 2022 minors)"),
        e(
            .keyLoadFailed, 12, "could not load private key file \"{sslkey}\": {detail}\n",
            "\(feOpenSSL) initialize_SSL SSL_use_PrivateKey_file"),
        e(
            .certificateWithoutKey, 12, "certificate present, but not private key file \"{sslkey}\"\n",
            "\(feOpenSSL) initialize_SSL"),
        e(
            .certificateKeyMismatch, 12, "certificate does not match private key file \"{sslkey}\": {detail}\n",
            "\(feOpenSSL) initialize_SSL SSL_check_private_key"),
        e(
            .noPasswordSupplied, 12, "fe_sendauth: no password supplied\n",
            "\(feAuth) PQnoPasswordSupplied (pg_fe_sendauth / pg_SASL_init)"),
        e(.channelBindingNoSSL, 13, "channel binding required, but SSL not in use\n", "\(feAuth) pg_SASL_init"),
        e(
            .channelBindingAuthRequestUnsupported, 13,
            "channel binding required but not supported by server's authentication request\n",
            "\(feAuth) check_expected_areq"),
        e(
            .channelBindingNotUsed, 13,
            "channel binding required, but server authenticated client without channel binding\n",
            "\(feAuth) check_expected_areq AUTH_REQ_OK"),
        e(
            .channelBindingNoPlusOffered, 13,
            "channel binding is required, but server did not offer an authentication method that supports channel binding\n",
            "\(feAuth) pg_SASL_init"),
        e(
            .serverClosedUnexpectedly, 12,
            "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n",
            "src/interfaces/libpq/fe-misc.c pqReadData definitelyEOF"),
        e(
            .startupPacketNotSent, 12, "could not send startup packet: {detail}\n",
            "\(feConnect) PQconnectPoll CONNECTION_MADE (pqPacketSend failed; %s is strerror)"),
        e(
            .invalidOptionValue, 12, "invalid {option} value: \"{value}\"\n",
            "\(feConnect) connectOptions2 (channel_binding, sslmode: a value libpq does not know)"),
        e(
            .invalidProtocolOptionValue, 12, "invalid {option} value: \"{value}\"\n",
            "\(feConnect) connectOptions2 sslVerifyProtocolVersion"),
        e(
            .invalidProtocolOptionValue, 17, "invalid \"{option}\" value: \"{value}\"\n",
            "\(feConnect) connectOptions2 sslVerifyProtocolVersion (17 quotes the keyword)", verified: false),
        e(
            .invalidConnectionOption, 12, "invalid connection option \"{option}\"\n",
            "\(feConnect) conninfo_array_parse (a keyword this libpq does not know; no connection is tried)"),
        e(
            .weakSSLModeSystemRoots, 16,
            "weak sslmode \"{sslmode}\" may not be used with sslrootcert=system (use \"verify-full\")\n",
            "\(feConnect) connectOptions2 (16+)"),
        e(
            .weakSSLModeDirect, 17,
            "weak sslmode \"{sslmode}\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")\n",
            "\(feConnect) connectOptions2 (17+)"),
        e(
            .certificateNotRequested, 16, "server did not request an SSL certificate\n",
            "\(feAuth) check_expected_areq AUTH_REQ_OK with sslcertmode=require, no CertificateRequest seen (16+)"),
        e(
            .certificateNotSent, 16, "server accepted connection without a valid SSL certificate\n",
            "\(feAuth) check_expected_areq AUTH_REQ_OK with sslcertmode=require (16+)"),
        e(
            .requireAuthFailed, 16, "authentication method requirement \"{method}\" failed: {reason}\n",
            "\(feAuth) check_expected_areq (require_auth, 16+)"),
        e(
            .serverDidNotCompleteAuthentication, 16, "server did not complete authentication",
            "\(feAuth) check_expected_areq AUTH_REQ_OK (require_auth, 16+)"),
    ]
}
