import Foundation

/// Splits libpq's PQerrorMessage for a failed connection into one block per attempt.
///
/// libpq 15 starts each attempt's text with `connection to server at "HOST", port N failed: `
/// or, with hostaddr, `connection to server at "HOST" (ADDR), port N failed: `, or for a
/// socket `connection to server on socket "PATH" failed: ` (fe-connect.c), and appends the
/// next attempt's block after the previous one (sslmode=allow/prefer retry, several hosts).
/// Text before the first prefix comes from a failure before any connection was tried
/// (an invalid option value) and becomes an attempt with an empty prefix.
public enum ConnectionErrorText {
    static let prefixPattern = try! NSRegularExpression(
        pattern: #"^connection to server (at "[^"]*"( \([^)]*\))?, port [0-9]+|on socket "[^"]*") failed: "#,
        options: [.anchorsMatchLines])

    /// Severity labels libpq prints before a server's message ("FATAL:  ...").
    static let severities = ["FATAL", "PANIC", "ERROR", "WARNING"]

    /// `serverErrors` are the ErrorResponses from libpq's protocol trace, in order; each is
    /// matched to the attempt whose text starts with its message, to give it a SQLSTATE.
    public static func split(
        _ message: String, serverErrors: [ProtocolTrace.ServerError] = []
    ) -> [Outcome.FailedAttempt] {
        let ns = message as NSString
        let matches = prefixPattern.matches(in: message, range: NSRange(location: 0, length: ns.length))
        var blocks: [(prefix: String, body: String)] = []
        var cursor = 0
        if let first = matches.first, first.range.location > 0 {
            blocks.append(("", ns.substring(with: NSRange(location: 0, length: first.range.location))))
        } else if matches.isEmpty, !message.isEmpty {
            blocks.append(("", message))
        }
        for (i, match) in matches.enumerated() {
            cursor = match.range.location + match.range.length
            let end = i + 1 < matches.count ? matches[i + 1].range.location : ns.length
            blocks.append(
                (ns.substring(with: match.range), ns.substring(with: NSRange(location: cursor, length: end - cursor))))
        }
        var unused = serverErrors
        return blocks.map { block in
            let body = block.body.hasSuffix("\n") ? String(block.body.dropLast()) : block.body
            var severity: String? = nil
            var text = body
            for label in severities where body.hasPrefix(label + ":  ") {
                severity = label
                text = String(body.dropFirst(label.count + 3))
                break
            }
            var sqlstate: String? = nil
            if severity != nil, let i = unused.firstIndex(where: { text.hasPrefix($0.message) }) {
                sqlstate = unused[i].sqlstate
                unused.remove(at: i)
            }
            return Outcome.FailedAttempt(
                prefix: block.prefix, message: body, severity: severity, text: text, sqlstate: sqlstate)
        }
    }
}
