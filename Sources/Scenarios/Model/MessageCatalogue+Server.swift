extension MessageCatalogue {
    /// The backend's texts (src/backend), chosen by the server major.
    static let serverEntries: [CatalogueEntry] = [
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
        e(
            .couldNotLoadHBA, 16, "could not load {hba_file}",
            "src/backend/postmaster/postmaster.c PostmasterMain (16: errmsg(\"could not load %s\", HbaFileName), the file's path; checked on 16.15/17.11/18.6)"
        ),
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
            .connectionAuthenticatedNoIdentity, 17,
            "connection authenticated: user=\"{user}\" method={method} ({hba_file}:{line})",
            "\(auth) ClientAuthentication (log_connections; 17+ logs it when no method set an authenticated identity, i.e. trust)"
        ),
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
        // 16 added include/include_dir/include_if_exists to pg_hba.conf, so a matched line is
        // named by the file it came from (port->hba->sourcefile); full-matrix runs on 16.15 and
        // 17.11 log it, 14.23 and 15.18 do not.
        e(
            .hbaMatchedLineDetail, 16, "Connection matched file \"{hba_file}\" line {line}: \"{raw_line}\"",
            "\(auth) auth_failed errdetail_log (16+: psprintf \"Connection matched file \\\"%s\\\" line %d: \\\"%s\\\"\" with port->hba->sourcefile)"
        ),
        e(
            .passwordMismatchDetail, 12, "Password does not match for user \"{user}\".",
            "src/backend/libpq/crypt.c plain_crypt_verify / md5_crypt_verify"),
        e(
            .noValidSCRAMSecretDetail, 12, "User \"{user}\" does not have a valid SCRAM secret.",
            "src/backend/libpq/auth-scram.c scram_init (doomed exchange)"),
        // 16 added verify_cb's errdetail (commit "Log details for client certificate
        // failures"): the first verification failure OpenSSL reports (the callback keeps
        // OpenSSL's verdict, so verification stops there) with its depth and
        // X509_verify_cert_error_string, then the failing certificate's subject, serial and
        // issuer. Both lines are one errdetail_internal joined by "\n" (elog.c writes a tab
        // after each embedded newline). Texts checked in the 16.15/17.11/18.6 binaries and in
        // REL_16_STABLE / REL_18_STABLE be-secure-openssl.c, which are identical here.
        e(
            .clientCertVerifyFailedDetail, 16,
            "Client certificate verification failed at depth {depth}: {verify_error}.",
            "\(beOpenSSL) verify_cb (16+: appendStringInfo \"Client certificate verification failed at depth %d: %s.\", X509_STORE_CTX_get_error_depth, X509_verify_cert_error_string)"
        ),
        e(
            .clientCertFailedData, 16,
            "Failed certificate data (unverified): subject \"{subject}\", serial number {serial}, issuer \"{issuer}\".",
            "\(beOpenSSL) verify_cb (16+: X509_NAME_to_cstring + prepare_cert_name of subject and issuer, BN_bn2dec of the serial; only when X509_STORE_CTX_get_current_cert is set)"
        ),
        // The methods parse_hba_auth_opt names when map= is given to a method without maps
        // (INVALID_AUTH_OPTION's second argument). 18 added the oauth method, which takes
        // map=, and the list with it; 16.15 and 17.11 binaries carry the old string, 18.6 the new.
        e(
            .mapOptionMethods, 12, "ident, peer, gssapi, sspi, and cert",
            "\(hba) parse_hba_auth_opt INVALID_AUTH_OPTION(\"map\", ...)"),
        e(
            .mapOptionMethods, 18, "ident, peer, gssapi, sspi, cert, and oauth",
            "\(hba) parse_hba_auth_opt INVALID_AUTH_OPTION(\"map\", gettext_noop(\"ident, peer, gssapi, sspi, cert, and oauth\")) (18: uaOAuth takes map=)"
        ),
        e(
            .acceptSSLEOF, 12, "could not accept SSL connection: EOF detected",
            "\(beOpenSSL) be_tls_open_server SSL_ERROR_SYSCALL with r == 0 (08P01)"),
        e(
            .acceptSSLEOF, 18, "could not accept SSL connection: unexpected eof while reading",
            "\(beOpenSSL) be_tls_open_server SSL_ERROR_SSL with OpenSSL's reason string (08P01): 18 no longer sees the EOF as SSL_ERROR_SYSCALL; seen with the same OpenSSL 3.0 build beside 17 (which still says 'EOF detected'), the commit not pinned here"
        ),
    ]
}
