/// Message keys: one per distinct libpq / server / OpenSSL text the model predicts.
public enum MessageKey: String, Sendable, Hashable, Codable, CaseIterable {
    // libpq (client side, text ends with "\n" except prefixes)
    case prefixTCP, prefixTCPWithAddress, prefixSocket
    case serverErrorLine
    case sslRequiredButRefused
    case rootCertMissing
    case sslError
    case protocolRangeHint
    case invalidProtocolRange
    case nameMismatchOne, nameMismatchOthersSingular, nameMismatchOthersPlural, noHostNameInCertificate
    case keyGroupWorldAccess
    case keyLoadFailed
    case certificateWithoutKey
    case certificateKeyMismatch
    case noPasswordSupplied
    case channelBindingNoSSL
    case channelBindingAuthRequestUnsupported
    case channelBindingNotUsed
    case channelBindingNoPlusOffered
    case serverClosedUnexpectedly
    // server side (message text without severity)
    case hbaNoEntry, hbaRejects
    case encryptionSSL, encryptionNone
    case passwordAuthFailed, certAuthFailed, trustAuthFailed
    case clientCertRequired, clientCertNoRootStore
    case certNoUserName
    case userNameMismatch, usermapNoMatch
    case clientCertVerifyFullCN, clientCertVerifyFullDN
    case acceptSSLFailed
    case acceptSSLProtocolHint
    case hostsslWithSSLOff
    case clientcertOnlyHostssl, clientcertVerifyCAWithCert, clientcertInvalidValue
    case clientnameOnlyHostssl
    case certOnlyHostssl
    case authOptionOnlyFor
    case hbaLineContext
    case couldNotLoadHBA
    case protocolRangeServer, protocolRangeServerDetail
    case serverKeyLoadFailed
    case serverKeyGroupWorldAccess, serverKeyPermissionDetail
    case connectionReceived, connectionReceivedLocal, connectionAuthenticated
    case connectionAuthorized, connectionAuthorizedSSL
    case hbaMatchedLineDetail, passwordMismatchDetail, noValidSCRAMSecretDetail
    case acceptSSLEOF
    // OpenSSL reason strings (ERR_reason_error_string), as libpq/server print them
    case osslCertificateVerifyFailed, osslAlertUnknownCA, osslAlertCertificateExpired, osslAlertBadCertificate
    case osslAlertCertificateRevoked, osslAlertProtocolVersion, osslUnsupportedProtocol
    case osslBadDecrypt, osslKeyValuesMismatch, osslProcessingError, osslUnsupported
}

/// One wording of a message, valid from `since` (major version) until the next entry of the same key.
public struct CatalogueEntry: Sendable, Hashable, Codable {
    public var key: MessageKey
    public var since: Int
    public var text: String
    /// File + function that emits it.
    public var source: String
    /// Whether the text was checked against the installed 15.x binaries with `strings`.
    public var verifiedAgainstBinary: Bool
}

/// Exact message texts by major version (12-18), each citing its source.
/// PG 15 texts were checked against libpq.so.5.15 / postgres 15.18 / OpenSSL 3.0 unless marked otherwise.
public enum MessageCatalogue {
    public static let supportedMajors = 12...18

    /// The wording in force for `major`.
    public static func template(_ key: MessageKey, major: Int = 15) -> MessageTemplate {
        let candidates = entries.filter { $0.key == key && $0.since <= major }
        guard let e = candidates.max(by: { $0.since < $1.since }) ?? entries.first(where: { $0.key == key }) else {
            preconditionFailure("no catalogue entry for \(key)")
        }
        return MessageTemplate(e.text)
    }

    public static func text(_ key: MessageKey, major: Int = 15) -> String { template(key, major: major).text }

    /// What OpenSSL 3 reports for a PKCS#8 key decrypted with a wrong (or empty) passphrase:
    /// usually the CBC padding check fails ("bad decrypt"); when the garbage happens to end
    /// in valid padding (about 1 in 256 keys, the salt and IV are random) the DER decoder
    /// rejects it instead ("unsupported"). Both are the same cause; nothing else is accepted.
    public static func wrongPassphraseDetail(major: Int = 15) -> String {
        MessageTemplate.oneOf([text(.osslBadDecrypt, major: major), text(.osslUnsupported, major: major)])
    }

    /// Source reference of the entry in force for `major`.
    public static func source(_ key: MessageKey, major: Int = 15) -> String {
        entries.filter { $0.key == key && $0.since <= major }.max(by: { $0.since < $1.since })?.source
            ?? entries.first { $0.key == key }!.source
    }

    /// All versions of a key, oldest first.
    public static func history(_ key: MessageKey) -> [CatalogueEntry] {
        entries.filter { $0.key == key }.sorted { $0.since < $1.since }
    }

    static let feConnect = "src/interfaces/libpq/fe-connect.c"
    static let feOpenSSL = "src/interfaces/libpq/fe-secure-openssl.c"
    static let feCommon = "src/interfaces/libpq/fe-secure-common.c"
    static let feAuth = "src/interfaces/libpq/fe-auth.c"
    static let hba = "src/backend/libpq/hba.c"
    static let auth = "src/backend/libpq/auth.c"
    static let beOpenSSL = "src/backend/libpq/be-secure-openssl.c"

    private static func e(
        _ key: MessageKey, _ since: Int, _ text: String, _ source: String, verified: Bool = true
    ) -> CatalogueEntry {
        CatalogueEntry(key: key, since: since, text: text, source: source, verifiedAgainstBinary: verified)
    }

    public static let entries: [CatalogueEntry] = [
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
            .hbaNoEntry, 12, "no pg_hba.conf entry for host \"{addr}\", user \"{user}\", database \"{db}\", {enc}",
            "\(auth) ClientAuthentication uaImplicitReject"),
        e(
            .hbaRejects, 12,
            "pg_hba.conf rejects connection for host \"{addr}\", user \"{user}\", database \"{db}\", {enc}",
            "\(auth) ClientAuthentication uaReject"),
        e(.encryptionSSL, 12, "SSL on", "\(auth) ClientAuthentication (12-13 wording)", verified: false),
        e(.encryptionSSL, 14, "SSL encryption", "\(auth) ClientAuthentication encryption_state"),
        e(.encryptionNone, 12, "SSL off", "\(auth) ClientAuthentication (12-13 wording)", verified: false),
        e(.encryptionNone, 14, "no encryption", "\(auth) ClientAuthentication encryption_state"),
        e(.passwordAuthFailed, 12, "password authentication failed for user \"{user}\"", "\(auth) auth_failed"),
        e(.certAuthFailed, 12, "certificate authentication failed for user \"{user}\"", "\(auth) auth_failed uaCert"),
        e(.trustAuthFailed, 12, "\"trust\" authentication failed for user \"{user}\"", "\(auth) auth_failed uaTrust"),
        e(
            .clientCertRequired, 12, "connection requires a valid client certificate",
            "\(auth) ClientAuthentication clientcert check"),
        e(
            .clientCertNoRootStore, 12,
            "client certificates can only be checked if a root certificate store is available",
            "\(auth) ClientAuthentication"),
        e(
            .certNoUserName, 12,
            "certificate authentication failed for user \"{user}\": client certificate contains no user name",
            "\(auth) CheckCertAuth"),
        e(
            .userNameMismatch, 12, "provided user name ({user}) and authenticated user name ({auth_user}) do not match",
            "\(hba) check_usermap"),
        e(
            .usermapNoMatch, 12, "no match in usermap \"{map}\" for user \"{user}\" authenticated as \"{auth_user}\"",
            "\(hba) check_usermap"),
        e(
            .clientCertVerifyFullCN, 14,
            "certificate validation (clientcert=verify-full) failed for user \"{user}\": CN mismatch",
            "\(auth) CheckCertAuth"),
        e(
            .clientCertVerifyFullDN, 14,
            "certificate validation (clientcert=verify-full) failed for user \"{user}\": DN mismatch",
            "\(auth) CheckCertAuth"),
        e(
            .acceptSSLFailed, 12, "could not accept SSL connection: {detail}",
            "\(beOpenSSL) be_tls_open_server SSL_ERROR_SSL (PG 16 adds a DETAIL for client certificate failures)"),
        e(
            .acceptSSLProtocolHint, 13,
            "This may indicate that the client does not support any SSL protocol version between {min} and {max}.",
            "\(beOpenSSL) be_tls_open_server errhint"),
        e(
            .hostsslWithSSLOff, 12, "hostssl record cannot match because SSL is disabled",
            "\(hba) parse_hba_line (LOG, line still loads; HINT: Set ssl = on in postgresql.conf.)"),
        e(
            .clientcertOnlyHostssl, 12, "clientcert can only be configured for \"hostssl\" rows",
            "\(hba) parse_hba_auth_opt"),
        e(
            .clientcertVerifyCAWithCert, 14,
            "clientcert only accepts \"verify-full\" when using \"cert\" authentication", "\(hba) parse_hba_auth_opt"),
        e(
            .clientcertInvalidValue, 14, "invalid value for clientcert: \"{value}\"",
            "\(hba) parse_hba_auth_opt (1/0 accepted before 14)"),
        e(
            .clientnameOnlyHostssl, 14, "clientname can only be configured for \"hostssl\" rows",
            "\(hba) parse_hba_auth_opt"),
        e(
            .certOnlyHostssl, 12, "cert authentication is only supported on hostssl connections",
            "\(hba) parse_hba_line"),
        e(
            .authOptionOnlyFor, 12,
            "authentication option \"{option}\" is only valid for authentication methods {methods}",
            "\(hba) parse_hba_auth_opt INVALID_AUTH_OPTION"),
        e(.hbaLineContext, 12, "line {line} of configuration file \"{hba_file}\"", "\(hba) parse_hba_line errcontext"),
        e(.couldNotLoadHBA, 12, "could not load pg_hba.conf", "src/backend/postmaster/postmaster.c PostmasterMain"),
        e(.protocolRangeServer, 13, "could not set SSL protocol version range", "\(beOpenSSL) be_tls_init"),
        e(
            .protocolRangeServerDetail, 13,
            "\"ssl_min_protocol_version\" cannot be higher than \"ssl_max_protocol_version\"",
            "\(beOpenSSL) be_tls_init errdetail"),
        e(
            .serverKeyLoadFailed, 12, "could not load private key file \"{server_key}\": {detail}",
            "\(beOpenSSL) be_tls_init"),
        e(
            .serverKeyGroupWorldAccess, 12, "private key file \"{server_key}\" has group or world access",
            "src/backend/libpq/be-secure-common.c check_ssl_key_file_permissions"),
        e(
            .serverKeyPermissionDetail, 12,
            "File must have permissions u=rw (0600) or less if owned by the database user, or permissions u=rw,g=r (0640) or less if owned by root.",
            "src/backend/libpq/be-secure-common.c check_ssl_key_file_permissions errdetail"),

        e(
            .connectionReceived, 12, "connection received: host={host} port={client_port}",
            "src/backend/postmaster/postmaster.c BackendInitialize (log_connections)"),
        e(
            .connectionReceivedLocal, 12, "connection received: host={host}",
            "src/backend/postmaster/postmaster.c BackendInitialize (log_connections, no port)"),
        e(
            .connectionAuthenticated, 14,
            "connection authenticated: identity=\"{identity}\" method={method} ({hba_file}:{line})",
            "\(auth) set_authn_id (log_connections)"),
        e(
            .connectionAuthorized, 12,
            "connection authorized: user={user} database={db} application_name={application_name}",
            "src/backend/utils/init/postinit.c PerformAuthentication (assembled from 'connection authorized: user=%s', ' database=%s', ' application_name=%s'; each piece is in the 15.18 binary)",
            verified: false),
        e(
            .connectionAuthorizedSSL, 15,
            "connection authorized: user={user} database={db} application_name={application_name} SSL enabled (protocol={protocol}, cipher={cipher}, bits={bits})",
            "src/backend/utils/init/postinit.c PerformAuthentication (assembled from pieces as above plus ' SSL enabled (protocol=%s, cipher=%s, bits=%d)'; 12-14 add compression=)",
            verified: false),
        e(
            .hbaMatchedLineDetail, 12, "Connection matched pg_hba.conf line {line}: \"{raw_line}\"",
            "\(auth) auth_failed errdetail_log"),
        e(
            .passwordMismatchDetail, 12, "Password does not match for user \"{user}\".",
            "src/backend/libpq/crypt.c plain_crypt_verify / md5_crypt_verify"),
        e(
            .noValidSCRAMSecretDetail, 12, "User \"{user}\" does not have a valid SCRAM secret.",
            "src/backend/libpq/auth-scram.c scram_init (doomed exchange)"),
        e(
            .acceptSSLEOF, 12, "could not accept SSL connection: EOF detected",
            "\(beOpenSSL) be_tls_open_server SSL_ERROR_SYSCALL with r == 0 (08P01)"),

        e(
            .osslCertificateVerifyFailed, 12, "certificate verify failed",
            "OpenSSL ssl/ssl_err.c SSL_R_CERTIFICATE_VERIFY_FAILED"),
        e(
            .osslAlertUnknownCA, 12, "tlsv1 alert unknown ca",
            "OpenSSL SSL_R_TLSV1_ALERT_UNKNOWN_CA (ssl_verify_alarm_type)"),
        e(
            .osslAlertCertificateExpired, 12, "sslv3 alert certificate expired",
            "OpenSSL SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED"),
        e(
            .osslAlertBadCertificate, 12, "sslv3 alert bad certificate",
            "OpenSSL SSL_R_SSLV3_ALERT_BAD_CERTIFICATE (not-yet-valid maps here)"),
        e(
            .osslAlertCertificateRevoked, 12, "sslv3 alert certificate revoked",
            "OpenSSL SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED"),
        e(.osslAlertProtocolVersion, 12, "tlsv1 alert protocol version", "OpenSSL SSL_R_TLSV1_ALERT_PROTOCOL_VERSION"),
        e(
            .osslUnsupportedProtocol, 12, "unsupported protocol",
            "OpenSSL SSL_R_UNSUPPORTED_PROTOCOL (ssl_choose_server_version)"),
        e(.osslBadDecrypt, 12, "bad decrypt", "OpenSSL EVP_R_BAD_DECRYPT"),
        e(
            .osslUnsupported, 12, "unsupported",
            "OpenSSL ERR_R_UNSUPPORTED (decoder found no usable key in the decrypted bytes)"),
        e(
            .osslKeyValuesMismatch, 12, "key values mismatch",
            "OpenSSL X509_R_KEY_VALUES_MISMATCH (X509_check_private_key via ssl_set_pkey)"),
        e(
            .osslProcessingError, 12, "processing error",
            "OpenSSL UI_R_PROCESSING_ERROR (PEM_def_callback with no terminal)", verified: false),
    ]
}
