import Foundation

/// What libpq 15's PQtrace recorded of a connection's startup, read for the two facts no
/// libpq 15 API gives: the SASL mechanism the client chose, and the SQLSTATE of a startup
/// ErrorResponse.
///
/// Limits (checked against libpq 15.18's output, see ProbeTraceTests):
/// - Authentication requests and ErrorResponses read while authenticating are consumed by
///   PQconnectPoll directly and are NOT traced; an ErrorResponse after AuthenticationOk
///   (e.g. `database "x" does not exist`, 3D000) is. So a pg_hba.conf or password failure
///   has no SQLSTATE here.
/// - Frontend 'p' messages (SASLInitialResponse, SASLResponse, PasswordMessage) are traced
///   as `Unknown message: 70` with their length only. The mechanism is recovered from the
///   length of the first of the two 'p' messages of a SASL exchange: libpq 15 sends
///   `int32 len, mechanism\0, int32 n, gs2-header "n=,r=" nonce` with an 18-byte nonce
///   (24 base64 characters) and an empty user name, so the SASLInitialResponse is
///   4+14+4+3+5+24 = 54 bytes for SCRAM-SHA-256 (gs2 header "n,," or "y,,") and
///   4+19+4+24+5+24 = 80 bytes for SCRAM-SHA-256-PLUS (gs2 header "p=tls-server-end-point,,").
///   Any other length is reported as unknown (nil), never guessed. Newer libpq versions
///   print `SASLInitialResponse "MECHANISM"`, which is read directly.
public struct ProtocolTrace: Sendable {
    public struct ServerError: Sendable, Hashable, Codable {
        public let severity: String?
        public let sqlstate: String?
        public let message: String
    }

    public let text: String
    /// Lengths of the frontend password-type ('p') messages, in order.
    public let passwordMessageLengths: [Int]
    public let saslMechanism: String?
    public let errors: [ServerError]

    static let saslInitialResponseLengths = [54: "SCRAM-SHA-256", 80: "SCRAM-SHA-256-PLUS"]

    public init(_ text: String) {
        self.text = text
        var lengths: [Int] = []
        var named: String? = nil
        var errors: [ServerError] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 3, let length = Int(fields[1]) else { continue }
            let name = fields[2]
            if fields[0] == "F"
                && (name == "Unknown message: 70" || name.hasPrefix("SASL") || name == "PasswordMessage")
            {
                lengths.append(length)
                if name == "SASLInitialResponse", fields.count > 3,
                    let mech = ProtocolTrace.quoted(after: "", in: String(fields[3]))
                {
                    named = mech
                }
            } else if fields[0] == "B" && name == "ErrorResponse", fields.count > 3 {
                let body = " " + fields[3].trimmingCharacters(in: .whitespaces)
                errors.append(
                    ServerError(
                        severity: ProtocolTrace.quoted(after: " S ", in: body),
                        sqlstate: ProtocolTrace.quoted(after: " C ", in: body),
                        message: ProtocolTrace.quoted(after: " M ", in: body) ?? ""))
            }
        }
        passwordMessageLengths = lengths
        // A SASL exchange sends at least two 'p' messages; a password method sends one.
        if let named {
            saslMechanism = named
        } else if lengths.count >= 2 {
            saslMechanism = ProtocolTrace.saslInitialResponseLengths[lengths[0]]
        } else {
            saslMechanism = nil
        }
        self.errors = errors
    }

    /// The value of a `X "value"` field; values are not escaped in the trace, so it ends at
    /// the next `" X "` field start or at the end.
    static func quoted(after marker: String, in body: String) -> String? {
        guard let start = body.range(of: marker + "\"") else { return nil }
        let rest = body[start.upperBound...]
        if let end = rest.range(of: #"" [A-Za-z] ""#, options: .regularExpression) {
            return String(rest[..<end.lowerBound])
        }
        if let end = rest.range(of: "\"", options: .backwards) { return String(rest[..<end.lowerBound]) }
        return nil
    }
}
