/// Which program produces a message, and so whose version chooses its wording.
///
/// A connection has two programs with independent versions: libpq 15 can talk to a 16
/// server, and each side may map a different OpenSSL. A message is chosen by the version
/// of the side that prints it, never by the other side's.
public enum MessageSide: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// libpq: PQerrorMessage text (src/interfaces/libpq), keyed by the libpq major.
    case libpq
    /// The backend: FATAL/LOG lines and what it sends to the client (src/backend), keyed by the server major.
    case server
    /// OpenSSL reason strings (ERR_reason_error_string), keyed by the OpenSSL release of the
    /// side that prints them: libpq's for client messages, the server's for its log.
    case openssl

    public var description: String { rawValue }
}

/// One end of the connection.
public enum Peer: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case client, server
    public var description: String { rawValue }
}
