/// A byte stream a PostgreSQL wire-protocol peer reads from and writes to: a plain TCP
/// connection before (or without) TLS, a TLS session after the handshake.
public protocol ByteStream: AnyObject {
    /// Up to `maximum` bytes; empty at end of stream. Throws on timeout or error.
    func read(upTo maximum: Int) throws -> [UInt8]
    func write(_ bytes: [UInt8]) throws
}
