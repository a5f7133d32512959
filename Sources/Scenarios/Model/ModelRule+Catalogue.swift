/// Every rule the model applies, as a value (see `ModelRule`): the catalogue a trace's ids
/// come from. An id is stable once published: tests and reports assert on it; a rule whose
/// meaning changes gets a new id.
extension ModelRule {
    public static let libpqOptionUnknownKeyword = ModelRule(
        id: "libpq.option.unknown-keyword", source: "fe-connect.c conninfo_array_parse",
        message: .invalidConnectionOption,
        summary:
            "libpq {libpq} does not know '{keyword}' (added in {since}): PQconnectdbParams refuses it before connecting"
    )
    public static let libpqOptionInvalidValue = ModelRule(
        id: "libpq.option.invalid-value", source: "fe-connect.c connectOptions2", message: .invalidOptionValue,
        summary:
            "{keyword}='{value}' is not a value libpq knows: connectOptions2 refuses it before connecting (checked in the order channel_binding, sslmode, ssl_min_protocol_version, ssl_max_protocol_version)"
    )
    public static let libpqOptionDirectNeedsRequire = ModelRule(
        id: "libpq.option.direct-needs-require", source: "fe-connect.c connectOptions2", message: .weakSSLModeDirect,
        summary: "sslnegotiation=direct needs sslmode require or stronger (17+)")
    public static let libpqOptionSystemRootsNeedVerifyFull = ModelRule(
        id: "libpq.option.system-roots-need-verify-full", source: "fe-connect.c connectOptions2; libpq docs 34.19.1",
        message: .weakSSLModeSystemRoots,
        summary: "sslrootcert=system only with sslmode=verify-full (16+)")
    public static let libpqRequireAuthNoExchange = ModelRule(
        id: "libpq.require-auth.no-exchange", source: "fe-auth.c check_expected_areq",
        message: .serverDidNotCompleteAuthentication,
        summary:
            "require_auth={required}: the server accepted without an authentication exchange, so libpq refuses (16+)")
    public static let libpqSslcertmodeRequireNotRequested = ModelRule(
        id: "libpq.sslcertmode.require-not-requested", source: "fe-auth.c check_expected_areq",
        message: .certificateNotRequested,
        summary:
            "sslcertmode=require and the server sent no CertificateRequest (no ssl_ca_file): when the server accepts, libpq refuses (16+)"
    )
    public static let libpqSslcertmodeRequireNotSent = ModelRule(
        id: "libpq.sslcertmode.require-not-sent", source: "fe-auth.c check_expected_areq", message: .certificateNotSent,
        summary:
            "sslcertmode=require: the server asked for a certificate but none was sent, and it accepted anyway (16+)")
    public static let serverStartProtocolRange = ModelRule(
        id: "server.start.protocol-range", source: "be-secure-openssl.c be_tls_init", message: .protocolRangeServer,
        summary: "ssl_min_protocol_version above ssl_max_protocol_version: be_tls_init fails, FATAL at server start")
    public static let serverStartWrongPassphrase = ModelRule(
        id: "server.start.wrong-passphrase", source: "be-secure-openssl.c be_tls_init", message: .hbaLineContext,
        summary:
            "ssl_passphrase_command returning a wrong passphrase: the key cannot be decrypted, FATAL at server start")
    public static let serverStartKeyPermissions = ModelRule(
        id: "server.start.key-permissions", source: "be-secure-common.c check_ssl_key_file_permissions",
        message: .serverKeyGroupWorldAccess,
        summary:
            "ssl_key_file with group or world access (more than 0600 owned by the server's account, 0640 owned by root): FATAL at server start"
    )
    public static let serverHbaHostsslWithSslOff = ModelRule(
        id: "server.hba.hostssl-with-ssl-off", source: "hba.c parse_hba_line",
        summary: "hostssl line with ssl=off: logged, the line still loads but can never match (no 'return NULL')")
    public static let serverHbaInvalidLine = ModelRule(
        id: "server.hba.invalid-line", source: "postmaster.c; hba.c parse_hba_line / parse_hba_auth_opt",
        message: .couldNotLoadHBA,
        summary: "an invalid pg_hba.conf line makes load_hba fail; at server start that is FATAL")
    public static let serverHbaNoMatch = ModelRule(
        id: "server.hba.no-match", source: "auth.c uaImplicitReject", message: .hbaNoEntry,
        summary:
            "pg_hba.conf: no line matches a {encryption} {transport} connection (SSL matches host/hostssl, non-SSL host/hostnossl, local only Unix sockets) -> implicit reject"
    )
    public static let serverHbaFirstMatch = ModelRule(
        id: "server.hba.first-match", source: "hba.c check_hba", message: .hbaRejects,
        summary: "pg_hba.conf first match: '{line}'")
    public static let serverAuthClientcertWithoutCa = ModelRule(
        id: "server.auth.clientcert-without-ca", source: "auth.c ClientAuthentication, secure_loaded_verify_locations",
        message: .clientCertNoRootStore,
        summary: "clientcert/cert without ssl_ca_file: FATAL with ERRCODE_CONFIG_FILE_ERROR, F0000")
    public static let serverAuthClientcertMissing = ModelRule(
        id: "server.auth.clientcert-missing", source: "auth.c ClientAuthentication", message: .clientCertRequired,
        summary: "clientcert/cert and no verified client certificate: FATAL before the method runs")
    public static let serverAuthMd5WithScramSecret = ModelRule(
        id: "server.auth.md5-with-scram-secret", source: "auth.c CheckPWChallengeAuth; docs 21.5",
        summary: "md5 method with a SCRAM-stored password performs SCRAM")
    public static let libpqChannelBindingRefusesPasswordRequest = ModelRule(
        id: "libpq.channel-binding.refuses-password-request", source: "fe-auth.c check_expected_areq",
        message: .channelBindingAuthRequestUnsupported,
        summary: "channel_binding=require refuses a {kind} password request")
    public static let libpqChannelBindingScramWithoutSsl = ModelRule(
        id: "libpq.channel-binding.scram-without-ssl", source: "fe-auth.c pg_SASL_init", message: .channelBindingNoSSL,
        summary: "channel_binding=require with SCRAM over a non-SSL connection")
    public static let serverAuthScramWithMd5Secret = ModelRule(
        id: "server.auth.scram-with-md5-secret", source: "auth-scram.c scram_verify_plain_password / mock auth",
        summary:
            "scram-sha-256 method with an MD5-stored password: the server runs a mock SCRAM exchange that always fails")
    public static let libpqScramPlus = ModelRule(
        id: "libpq.scram.plus", source: "fe-auth.c pg_SASL_init",
        summary:
            "SCRAM over SSL selects SCRAM-SHA-256-PLUS (channel binding tls-server-end-point) unless channel_binding=disable"
    )
    public static let libpqScramNoChannelBinding = ModelRule(
        id: "libpq.scram.no-channel-binding", source: "fe-auth.c pg_SASL_init",
        summary: "SCRAM without channel binding (no SSL, channel_binding=disable, or the server offers no PLUS)")
    public static let serverAuthPasswordIdentity = ModelRule(
        id: "server.auth.password-identity", source: "auth.c set_authn_id",
        summary: "a password method that succeeds sets the authenticated identity to the user name and logs it")
    public static let serverAuthClientcertVerifyFull = ModelRule(
        id: "server.auth.clientcert-verify-full", source: "auth.c CheckCertAuth",
        summary: "clientcert=verify-full: after the method succeeds, the certificate CN (or DN) must match the user")
    public static let serverAuthTrustLogged = ModelRule(
        id: "server.auth.trust-logged", source: "auth.c ClientAuthentication, log_connections",
        summary:
            "17+: a method that set no authenticated identity (trust) is logged as 'connection authenticated: user=...' at the end of authentication"
    )
    public static let libpqChannelBindingNotUsed = ModelRule(
        id: "libpq.channel-binding.not-used", source: "fe-auth.c check_expected_areq AUTH_REQ_OK",
        summary: "channel_binding=require but the server finished authentication without SCRAM-PLUS")
    public static let serverAuthLoggedBeforeClientRefuses = ModelRule(
        id: "server.auth.logged-before-client-refuses", source: "postinit.c PerformAuthentication",
        message: .channelBindingNotUsed,
        summary:
            "the server has finished authentication and logged the session before the client refuses AuthenticationOk")
    public static let serverAuthSucceeds = ModelRule(
        id: "server.auth.succeeds", source: "auth.c ClientAuthentication",
        summary: "authentication succeeds")
    public static let libpqAuthNoPassword = ModelRule(
        id: "libpq.auth.no-password", source: "fe-auth.c pg_fe_sendauth", message: .noPasswordSupplied,
        summary: "no password given: libpq stops with fe_sendauth and closes; the server logs nothing")
    public static let serverAuthWrongPassword = ModelRule(
        id: "server.auth.wrong-password", source: "auth.c auth_failed", message: .passwordAuthFailed,
        summary: "wrong password: FATAL password authentication failed, the verifier's detail only in the log")
    public static let serverAuthCertIdentity = ModelRule(
        id: "server.auth.cert-identity", source: "auth.c CheckCertAuth set_authn_id", message: .certAuthFailed,
        summary: "cert: the certificate's DN is the authenticated identity, logged before the name check")
    public static let serverAuthIdentMap = ModelRule(
        id: "server.auth.ident-map", source: "hba.c check_usermap / check_ident_usermap", message: .usermapNoMatch,
        summary: "map={map}: pg_ident.conf must map '{auth_user}' to '{user}'")
    public static let serverAuthCertName = ModelRule(
        id: "server.auth.cert-name", source: "hba.c check_usermap", message: .userNameMismatch,
        summary: "no map: the certificate {field} '{auth_user}' must equal the user")
    public static let serverAuthFailedMessage = ModelRule(
        id: "server.auth.failed-message", source: "auth.c auth_failed",
        summary: "the client sees the method's auth_failed message; the reason is only in the server log")
    public static let libpq16SystemRoots = ModelRule(
        id: "libpq16.system-roots", source: "fe-secure-openssl.c initialize_SSL",
        summary:
            "sslrootcert=system: libpq 16+ verifies against the system's trusted roots (SSL_CTX_set_default_verify_paths), which do not hold this run's CAs"
    )
    public static let libpqSystemRootsAsFile = ModelRule(
        id: "libpq.system-roots-as-file", source: "fe-secure-openssl.c initialize_SSL",
        summary:
            "sslrootcert=system: libpq before 16 has no such keyword value and looks for a file named 'system' in the working directory, which does not exist"
    )
    public static let libpqTlsRootCertMissing = ModelRule(
        id: "libpq.tls.root-cert-missing", source: "fe-secure-openssl.c initialize_SSL; libpq docs 34.19.1",
        message: .rootCertMissing,
        summary: "sslmode={sslmode} with no root certificate file: libpq fails before the handshake")
    public static let libpqTlsNoRootCertNoVerify = ModelRule(
        id: "libpq.tls.no-root-cert-no-verify", source: "fe-secure-openssl.c initialize_SSL",
        summary: "no root certificate file: libpq does not verify the server certificate in sslmode={sslmode}")
    public static let libpqTlsRootCertVerifies = ModelRule(
        id: "libpq.tls.root-cert-verifies",
        source: "libpq docs 34.19.1; fe-secure-openssl.c initialize_SSL SSL_VERIFY_PEER",
        summary: "root certificate file exists: libpq verifies the chain in any sslmode (require acts like verify-ca)")
    public static let tlsProtocolNoOverlap = ModelRule(
        id: "tls.protocol.no-overlap", source: "OpenSSL ssl_choose_server_version; fe-secure-openssl.c open_client_SSL",
        message: .sslError,
        summary:
            "client range {client_min}-{client_max} and server range {server_min}-{server_max} do not overlap: the server sends a protocol_version alert (libpq adds its hint)"
    )
    public static let tlsProtocolNegotiated = ModelRule(
        id: "tls.protocol.negotiated", source: "be-secure-openssl.c be_tls_init",
        summary:
            "negotiated {version} (highest common version); ssl_ciphers only restricts TLS <= 1.2 suites and both lists keep ECDHE-ECDSA-AES-GCM; ssl_ecdh_curve {curve} is offered by OpenSSL 3 clients; ssl_prefer_server_ciphers changes order only"
    )
    public static let libpqTlsChainFailed = ModelRule(
        id: "libpq.tls.chain-failed",
        source: "fe-secure-openssl.c verify_cb (keeps OpenSSL's verdict); OpenSSL X509_verify_cert", message: .sslError,
        summary:
            "OpenSSL chain check failed ({failure}): libpq reports 'certificate verify failed'; the server logs the alert the client sent"
    )
    public static let libpqTlsChainVerified = ModelRule(
        id: "libpq.tls.chain-verified",
        source: "fe-secure-openssl.c initialize_SSL SSL_CTX_load_verify_locations; OpenSSL X509_verify_cert",
        summary:
            "server chain verifies against sslrootcert (trust anchors only from sslrootcert, intermediates from the handshake or that file)"
    )
    public static let libpqSslcertmodeDisable = ModelRule(
        id: "libpq.sslcertmode.disable", source: "fe-secure-openssl.c cert_cb",
        summary: "sslcertmode=disable: libpq sends no certificate even when the server asks (16+)")
    public static let serverTlsNoCaFile = ModelRule(
        id: "server.tls.no-ca-file",
        source: "be-secure-openssl.c be_tls_init (SSL_CTX_set_verify only with ssl_ca_file)", message: .sslError,
        summary: "no ssl_ca_file: the server does not request a client certificate, so none is sent")
    public static let tls13ClientCertRejectedAfterHandshake = ModelRule(
        id: "tls13.client-cert-rejected-after-handshake", source: "fe-secure-openssl.c pgtls_read SSL_ERROR_SSL",
        summary:
            "TLS 1.3: the client's handshake completes before the server rejects its certificate ({failure}); libpq sees the alert on its first read, after sending the startup packet, so prefer does not retry"
    )
    public static let libpq14StartupPacketResetRace = ModelRule(
        id: "libpq14.startup-packet-reset-race", source: "fe-connect.c PQconnectPoll CONNECTION_MADE",
        message: .startupPacketNotSent,
        summary:
            "libpq 14: the startup packet's write can meet the server's reset before libpq reads the alert; then 'could not send startup packet: Connection reset by peer' follows the SSL error. A race, seen on 14.23 in about a third of such cases, never on 15+: both texts are accepted, nothing else"
    )
    public static let tls12ClientCertRejectedInHandshake = ModelRule(
        id: "tls12.client-cert-rejected-in-handshake", source: "fe-secure-openssl.c open_client_SSL",
        summary: "TLS 1.2: the server's alert ({failure}) arrives inside SSL_connect")
    public static let libpqKeyGroupWorldAccess = ModelRule(
        id: "libpq.key.group-world-access", source: "fe-secure-openssl.c initialize_SSL", message: .keyGroupWorldAccess,
        summary: "libpq refuses a key file with group/world access (0600, or 0640 if owned by root)")
    public static let libpqKeyRootOwned0640 = ModelRule(
        id: "libpq.key.root-owned-0640", source: "fe-secure-openssl.c initialize_SSL",
        summary: "a root-owned key file with mode 0640 is accepted (2022 minor releases)")
    public static let libpqKeyWrongPassword = ModelRule(
        id: "libpq.key.wrong-password", source: "fe-secure-openssl.c initialize_SSL SSL_use_PrivateKey_file",
        summary: "wrong sslpassword: PEM decryption fails")
    public static let libpqKeyNoPasswordNoTerminal = ModelRule(
        id: "libpq.key.no-password-no-terminal", source: "fe-secure-openssl.c initialize_SSL", message: .keyLoadFailed,
        summary:
            "no sslpassword: libpq installs no key-password callback (it sets PQssl_passwd_cb only when sslpassword is non-empty), so OpenSSL's default PEM callback asks on the terminal; with no controlling terminal and an empty stdin its UI fails (UI_R_PROCESSING_ERROR), as psql without a terminal shows. The harness runs this connection in a child with no terminal (TerminalFreeProbe), never answering for libpq"
    )
    public static let libpqKeyPasswordCallback = ModelRule(
        id: "libpq.key.password-callback", source: "fe-secure-openssl.c PQdefaultSSLKeyPassHook_OpenSSL",
        summary: "a non-empty sslpassword makes libpq install PQssl_passwd_cb, which hands it to OpenSSL")
    public static let libpqKeyMismatch = ModelRule(
        id: "libpq.key.mismatch",
        source: "OpenSSL ssl_set_pkey -> X509_check_private_key; fe-secure-openssl.c initialize_SSL",
        message: .keyLoadFailed,
        summary: "OpenSSL 3 checks the key against the loaded certificate inside SSL_use_PrivateKey_file")
    public static let libpq15VerifyFullNames = ModelRule(
        id: "libpq15.verify-full.names", source: "fe-secure-openssl.c pgtls_verify_peer_name_matches_certificate_guts",
        message: .noHostNameInCertificate,
        summary:
            "verify-full: SANs of the host's type (DNS or IP) suppress the CN check; wildcard only as the whole leftmost label; IP hosts match iPAddress SANs (libpq 15+) or an IP CN"
    )
    public static let libpq14VerifyFullNames = ModelRule(
        id: "libpq14.verify-full.names",
        source: "fe-secure-openssl.c pgtls_verify_peer_name_matches_certificate_guts (REL_14_STABLE)",
        message: .noHostNameInCertificate,
        summary:
            "verify-full (libpq 14): only dNSName SANs are examined and any of them suppresses the CN check; iPAddress SANs are ignored, so an IP host matches only an IP CN or a dNSName equal to it"
    )
    public static let libpqOptionProtocolRange = ModelRule(
        id: "libpq.option.protocol-range", source: "fe-connect.c connectOptions2 sslVerifyProtocolRange",
        message: .invalidProtocolRange,
        summary:
            "libpq checks ssl_min_protocol_version <= ssl_max_protocol_version before connecting, for every sslmode")
    public static let libpqSslmodeUnixSocket = ModelRule(
        id: "libpq.sslmode.unix-socket", source: "fe-connect.c CONNECTION_MADE: IS_AF_UNIX -> allow_ssl_try = false",
        summary: "libpq never requests SSL over a Unix socket, whatever sslmode says")
    public static let libpqSslmodeDisable = ModelRule(
        id: "libpq.sslmode.disable", source: "libpq docs 34.19.1; fe-connect.c PQconnectPoll",
        summary: "libpq sslmode=disable: only a non-SSL attempt")
    public static let libpqSslmodeAllow = ModelRule(
        id: "libpq.sslmode.allow", source: "fe-connect.c CONNECTION_AWAITING_RESPONSE, wait_ssl_try",
        summary:
            "libpq sslmode=allow: non-SSL first; retry with SSL only if the server answers the first attempt with an error"
    )
    public static let libpqSslmodeAllowNoRetryAfterClientFailure = ModelRule(
        id: "libpq.sslmode.allow-no-retry-after-client-failure", source: "fe-connect.c PQconnectPoll error_return",
        summary: "allow does not retry after a client-side failure (fe_sendauth / channel binding go to error_return)")
    public static let libpq17SslmodeAllowRetrySslOnly = ModelRule(
        id: "libpq17.sslmode.allow-retry-ssl-only",
        source:
            "fe-connect.c PQconnectPoll CONNECTION_SSL_STARTUP, allowed_enc_methods / select_next_encryption_method (REL_17_STABLE)",
        message: .sslRequiredButRefused,
        summary:
            "libpq 17+: the retry is an SSL-only connection; ssl=off answers 'N' to its SSLRequest and libpq gives up before a startup packet, so only the first attempt reaches authentication"
    )
    public static let libpq14SslmodeAllowRetryContinuesPlain = ModelRule(
        id: "libpq14.sslmode.allow-retry-continues-plain", source: "fe-connect.c PQconnectPoll CONNECTION_SSL_STARTUP",
        summary:
            "libpq 14-16: the retry sends SSLRequest; ssl=off answers 'N' and allow continues without SSL on that connection, so the server authenticates a second time"
    )
    public static let libpqSslmodePrefer = ModelRule(
        id: "libpq.sslmode.prefer", source: "libpq docs 34.19.1; fe-connect.c PQconnectPoll",
        summary:
            "libpq sslmode=prefer: SSL first; on an SSL setup/handshake failure or a server error, one retry without SSL"
    )
    public static let serverSslOffPreferContinuesPlain = ModelRule(
        id: "server.ssl-off.prefer-continues-plain", source: "fe-connect.c CONNECTION_SSL_STARTUP",
        summary: "ssl=off: the server answers 'N' to SSLRequest; prefer continues without SSL on the same connection")
    public static let libpqSslmodePreferNoRetryAfterClientFailure = ModelRule(
        id: "libpq.sslmode.prefer-no-retry-after-client-failure", source: "fe-connect.c PQconnectPoll error_return",
        summary: "prefer does not retry after a client-side failure once TLS is up")
    public static let libpqSslmodeSslOnly = ModelRule(
        id: "libpq.sslmode.ssl-only", source: "libpq docs 34.19.1",
        summary: "libpq sslmode={sslmode}: SSL only, never falls back")
    public static let serverClientCertificateFailureDetail = ModelRule(
        id: "server16.client-cert.failure-detail", source: "be-secure-openssl.c verify_cb, be_tls_open_server (16+)",
        message: .clientCertVerifyFailedDetail,
        summary:
            "16+: the refused client certificate's first verification failure (depth {depth}: {verify_error}) and its subject, serial and issuer are logged as a DETAIL"
    )
    public static let serverSslOffRefusesSsl = ModelRule(
        id: "server.ssl-off.refuses-ssl", source: "fe-connect.c CONNECTION_SSL_STARTUP",
        message: .sslRequiredButRefused,
        summary: "ssl=off: the server answers 'N' to SSLRequest")

    /// The whole catalogue, in the order the predictor's code applies them.
    public static let all: [ModelRule] = [
        .libpqOptionUnknownKeyword, .libpqOptionInvalidValue, .libpqOptionDirectNeedsRequire,
        .libpqOptionSystemRootsNeedVerifyFull,
        .libpqRequireAuthNoExchange, .libpqSslcertmodeRequireNotRequested, .libpqSslcertmodeRequireNotSent,
        .serverStartProtocolRange, .serverStartWrongPassphrase, .serverStartKeyPermissions, .serverHbaHostsslWithSslOff,
        .serverHbaInvalidLine,
        .serverHbaNoMatch, .serverHbaFirstMatch, .serverAuthClientcertWithoutCa, .serverAuthClientcertMissing,
        .serverAuthMd5WithScramSecret, .libpqChannelBindingRefusesPasswordRequest, .libpqChannelBindingScramWithoutSsl,
        .serverAuthScramWithMd5Secret, .libpqScramPlus, .libpqScramNoChannelBinding, .serverAuthPasswordIdentity,
        .serverAuthClientcertVerifyFull, .serverAuthTrustLogged, .libpqChannelBindingNotUsed,
        .serverAuthLoggedBeforeClientRefuses, .serverAuthSucceeds, .libpqAuthNoPassword, .serverAuthWrongPassword,
        .serverAuthCertIdentity, .serverAuthIdentMap, .serverAuthCertName, .serverAuthFailedMessage,
        .libpq16SystemRoots, .libpqSystemRootsAsFile, .libpqTlsRootCertMissing, .libpqTlsNoRootCertNoVerify,
        .libpqTlsRootCertVerifies, .tlsProtocolNoOverlap, .tlsProtocolNegotiated, .libpqTlsChainFailed,
        .libpqTlsChainVerified, .libpqSslcertmodeDisable, .serverTlsNoCaFile, .tls13ClientCertRejectedAfterHandshake,
        .serverClientCertificateFailureDetail, .libpq14StartupPacketResetRace, .tls12ClientCertRejectedInHandshake,
        .libpqKeyGroupWorldAccess,
        .libpqKeyRootOwned0640, .libpqKeyWrongPassword, .libpqKeyNoPasswordNoTerminal, .libpqKeyPasswordCallback,
        .libpqKeyMismatch, .libpq15VerifyFullNames, .libpq14VerifyFullNames, .libpqOptionProtocolRange,
        .libpqSslmodeUnixSocket, .libpqSslmodeDisable, .libpqSslmodeAllow, .libpqSslmodeAllowNoRetryAfterClientFailure,
        .libpq17SslmodeAllowRetrySslOnly, .libpq14SslmodeAllowRetryContinuesPlain, .libpqSslmodePrefer,
        .serverSslOffPreferContinuesPlain, .libpqSslmodePreferNoRetryAfterClientFailure, .libpqSslmodeSslOnly,
        .serverSslOffRefusesSsl,
    ]
}
