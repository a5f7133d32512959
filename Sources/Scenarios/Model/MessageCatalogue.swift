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
    case startupPacketNotSent
    case invalidConnectionOption, weakSSLModeSystemRoots, weakSSLModeDirect
    case invalidOptionValue, invalidProtocolOptionValue
    case certificateNotRequested, certificateNotSent, requireAuthFailed, serverDidNotCompleteAuthentication
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
    case connectionReceived, connectionReceivedLocal, connectionAuthenticated, connectionAuthenticatedNoIdentity
    case connectionAuthorized, connectionAuthorizedSSL
    case hbaMatchedLineDetail, passwordMismatchDetail, noValidSCRAMSecretDetail
    case acceptSSLEOF
    case clientCertVerifyFailedDetail, clientCertFailedData
    case mapOptionMethods
    // OpenSSL reason strings (ERR_reason_error_string), as libpq/server print them
    case osslCertificateVerifyFailed, osslAlertUnknownCA, osslAlertCertificateExpired, osslAlertBadCertificate
    case osslAlertCertificateRevoked, osslAlertProtocolVersion, osslUnsupportedProtocol
    case osslAlertDecryptError, osslAlertUnsupportedCertificate, osslEVPLib
    case osslBadDecrypt, osslKeyValuesMismatch, osslProcessingError, osslUnsupported
    // OpenSSL certificate verification errors (X509_verify_cert_error_string)
    case osslVerifyUnableToGetIssuerLocally, osslVerifyUnableToGetCRL, osslVerifyCertRevoked
    case osslVerifyCertHasExpired, osslVerifyCertNotYetValid, osslVerifyInvalidPurpose
    case osslVerifyCertSignatureFailure

    /// The program that prints this text, whose version chooses the wording.
    public var side: MessageSide {
        if rawValue.hasPrefix("ossl") { return .openssl }
        return MessageCatalogue.libpqKeys.contains(self) ? .libpq : .server
    }
}

/// One wording of a message, valid from `since` (the release of the key's own side: a
/// PostgreSQL major for libpq and server texts, an OpenSSL release for OpenSSL reason strings)
/// until the next entry of the same key.
public struct CatalogueEntry: Sendable, Hashable, Codable {
    public var key: MessageKey
    public var since: ReleaseVersion
    public var text: String
    /// File + function that emits it.
    public var source: String
    /// Whether the text was checked against a real binary here (`strings` of the installed
    /// 15.x libpq/postgres, or a real run of the release that introduced it).
    public var verifiedAgainstBinary: Bool

    /// The program that prints it (libpq, the server, or OpenSSL).
    public var side: MessageSide { key.side }
}

/// Exact message texts by release, each citing its source, each belonging to one side
/// (`MessageKey.side`): libpq texts are chosen by the libpq major, server texts by the
/// server major, OpenSSL reason strings by the OpenSSL release of the side printing them.
/// Entries for PostgreSQL 12 and 13 come from the source only: those majors are not
/// checked here, so `supportedMajors` leaves them out and reports call them unverified.
public enum MessageCatalogue {
    /// The majors the model claims, each checked on real binaries here (server and libpq).
    public static let supportedMajors = 14...18

    /// The wording in force for `versions`, chosen by the key's own side; `printedBy` says
    /// whose OpenSSL prints an OpenSSL reason string (the client's for libpq text, the
    /// server's for its log).
    public static func template(
        _ key: MessageKey, _ versions: Versions, printedBy peer: Peer = .client
    )
        -> MessageTemplate
    {
        MessageTemplate(entry(key, at: versions.release(of: key.side, printedBy: peer)).text)
    }

    public static func text(_ key: MessageKey, _ versions: Versions, printedBy peer: Peer = .client) -> String {
        template(key, versions, printedBy: peer).text
    }

    /// The wording in force at `release` of the key's own side (a major for PostgreSQL
    /// texts, an OpenSSL release for OpenSSL strings).
    public static func text(_ key: MessageKey, at release: ReleaseVersion) -> String { entry(key, at: release).text }

    /// The entry in force at `release`; the oldest one when `release` predates them all.
    public static func entry(_ key: MessageKey, at release: ReleaseVersion) -> CatalogueEntry {
        let all = history(key)
        guard let e = all.last(where: { $0.since <= release }) ?? all.first else {
            preconditionFailure("no catalogue entry for \(key)")
        }
        return e
    }

    /// What OpenSSL 3 reports for a PKCS#8 key decrypted with a wrong (or empty) passphrase:
    /// usually the CBC padding check fails ("bad decrypt"); when the garbage happens to end
    /// in valid padding (about 1 in 256 keys, the salt and IV are random) the DER decoder
    /// rejects it instead ("unsupported"). Both are the same cause; nothing else is accepted.
    public static func wrongPassphraseDetail(_ versions: Versions, printedBy peer: Peer) -> String {
        MessageTemplate.oneOf([
            text(.osslBadDecrypt, versions, printedBy: peer), text(.osslUnsupported, versions, printedBy: peer),
        ])
    }

    /// Source reference of the entry in force for `versions`.
    public static func source(_ key: MessageKey, _ versions: Versions = .standard) -> String {
        entry(key, at: versions.release(of: key.side)).source
    }

    /// All versions of a key, oldest first.
    public static func history(_ key: MessageKey) -> [CatalogueEntry] {
        histories[key] ?? []
    }

    /// Every key's history, made once: a prediction looks up several texts, and filtering
    /// (copying) the whole catalogue per lookup was a visible share of predicting the matrix.
    private static let histories: [MessageKey: [CatalogueEntry]] = Dictionary(grouping: entries, by: \.key)
        .mapValues { $0.sorted { $0.since < $1.since } }

    /// The keys whose text libpq prints (the rest are the server's or OpenSSL's).
    static let libpqKeys: Set<MessageKey> = [
        .prefixTCP, .prefixTCPWithAddress, .prefixSocket, .serverErrorLine, .sslRequiredButRefused, .rootCertMissing,
        .sslError, .protocolRangeHint, .invalidProtocolRange, .nameMismatchOne, .nameMismatchOthersSingular,
        .nameMismatchOthersPlural, .noHostNameInCertificate, .keyGroupWorldAccess, .keyLoadFailed,
        .certificateWithoutKey, .certificateKeyMismatch, .noPasswordSupplied, .channelBindingNoSSL,
        .channelBindingAuthRequestUnsupported, .channelBindingNotUsed, .channelBindingNoPlusOffered,
        .serverClosedUnexpectedly, .startupPacketNotSent, .invalidConnectionOption, .invalidOptionValue,
        .invalidProtocolOptionValue, .weakSSLModeSystemRoots,
        .weakSSLModeDirect, .certificateNotRequested, .certificateNotSent, .requireAuthFailed,
        .serverDidNotCompleteAuthentication,
    ]

    static let feConnect = "src/interfaces/libpq/fe-connect.c"
    static let feOpenSSL = "src/interfaces/libpq/fe-secure-openssl.c"
    static let feCommon = "src/interfaces/libpq/fe-secure-common.c"
    static let feAuth = "src/interfaces/libpq/fe-auth.c"
    static let hba = "src/backend/libpq/hba.c"
    static let auth = "src/backend/libpq/auth.c"
    static let beOpenSSL = "src/backend/libpq/be-secure-openssl.c"

    static func e(
        _ key: MessageKey, _ since: ReleaseVersion, _ text: String, _ source: String, verified: Bool = true
    ) -> CatalogueEntry {
        CatalogueEntry(key: key, since: since, text: text, source: source, verifiedAgainstBinary: verified)
    }

    public static let entries: [CatalogueEntry] = libpqEntries + serverEntries + opensslEntries + x509VerifyEntries
}
