import Foundation

/// Which program wrote a piece of a message: the side a DBA has to look at when it changes.
///
/// A libpq error message embeds text from the server (the relayed `FATAL:` line) and from
/// OpenSSL (the reason after "SSL error: "); a server log line embeds OpenSSL's reason after
/// "could not accept SSL connection: ". The origin of a change is decided by what precedes
/// it on its line, using the fixed phrases with which libpq and the backend introduce
/// another program's text (fe-secure-openssl.c, be-secure-openssl.c, fe-protocol3.c).
enum TextOrigin: String, Codable, Sendable, CaseIterable {
    case server
    case libpq
    case openssl = "OpenSSL"

    /// Where a text was observed.
    enum Source { case clientMessage, serverLog }

    /// Phrases after which the rest of the line is OpenSSL's (its reason string or its
    /// certificate verification error), with where each is written.
    static let opensslIntroducers: [String] = [
        "SSL error: ",  // libpq: SSLerrmessage(ERR_get_error())
        "could not accept SSL connection: ",  // backend: be_tls_open_server
        "could not initialize SSL connection: ",  // backend, SSL_new failures
        "verification failed at depth ",  // backend 16+: X509_verify_cert_error_string after "depth N: "
        "SSL SYSCALL error: ",  // libpq: errno text of a failed SSL read/write
    ]

    /// Phrases after which the rest of the line is the server's, relayed by libpq.
    static let serverIntroducers = ["FATAL: ", "ERROR: ", "DETAIL: ", "HINT: ", "PANIC: "]

    /// `file "...": reason`: libpq and the backend print OpenSSL's reason after a file name
    /// they failed to load (`could not load private key file "k": bad decrypt`).
    static let fileReason = try! NSRegularExpression(pattern: #"file "[^"]*": "#)

    /// The origin of text that starts after `prefix` (the line so far) in a text from `source`.
    static func of(prefix: String, source: Source) -> TextOrigin {
        // Compared with single spaces: the backend writes two after a severity.
        let line = (prefix.components(separatedBy: "⏎").last ?? prefix)
            .replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        let lastOpenSSL = opensslIntroducers.compactMap { line.range(of: $0, options: .backwards)?.upperBound }.max()
        let fileMatch = fileReason.matches(in: line, range: NSRange(line.startIndex..., in: line)).last
            .flatMap { Range($0.range, in: line)?.upperBound }
        let openSSLStart = [lastOpenSSL, fileMatch].compactMap { $0 }.max()
        let serverStart = serverIntroducers.compactMap { line.range(of: $0, options: .backwards)?.upperBound }.max()
        if let o = openSSLStart, serverStart.map({ o >= $0 }) ?? true { return .openssl }
        if source == .clientMessage, serverStart != nil { return .server }
        return source == .clientMessage ? .libpq : .server
    }
}
