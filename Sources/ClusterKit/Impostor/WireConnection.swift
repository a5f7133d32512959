/// The few PostgreSQL frontend/backend protocol (v3) messages a fake server needs,
/// read from and written to a `ByteStream` that can be swapped for TLS mid-connection.
///
/// Lengths are checked against small limits: the peer is a test client, but a harness
/// must not allocate what a corrupt length field asks for.
final class WireConnection {
    private(set) var stream: any ByteStream
    private var buffer: [UInt8] = []

    static let sslRequestCode: UInt32 = 80_877_103
    static let gssEncRequestCode: UInt32 = 80_877_104
    static let cancelRequestCode: UInt32 = 80_877_102
    static let protocol3: UInt32 = 196_608
    static let maximumLength = 64 * 1024

    init(_ stream: any ByteStream) { self.stream = stream }

    /// After SSLRequest + 'S' + handshake: everything that follows goes over TLS. Bytes the
    /// client pipelined before the handshake would be a protocol violation (CVE-2021-23222),
    /// so the buffer must be empty.
    func switchStream(to tls: any ByteStream) throws {
        guard buffer.isEmpty else { throw WireError.unexpected("bytes sent in cleartext before the TLS handshake") }
        stream = tls
    }

    /// Exactly `count` bytes, or `WireError.closed` when the peer hung up first.
    func read(exactly count: Int) throws -> [UInt8] {
        while buffer.count < count {
            let chunk = try stream.read(upTo: max(4096, count - buffer.count))
            if chunk.isEmpty { throw WireError.closed(after: buffer.count) }
            buffer += chunk
        }
        let out = Array(buffer[0..<count])
        buffer.removeFirst(count)
        return out
    }

    /// The first packet of a connection (no type byte): its code and the rest.
    func readInitialPacket() throws -> (code: UInt32, body: [UInt8]) {
        let length = Int(Self.uint32(try read(exactly: 4), at: 0))
        guard length >= 8, length <= Self.maximumLength else {
            throw WireError.unexpected("initial packet length \(length)")
        }
        let code = Self.uint32(try read(exactly: 4), at: 0)
        return (code, try read(exactly: length - 8))
    }

    /// A typed message: its type byte and body.
    func readMessage() throws -> (type: Character, body: [UInt8]) {
        let type = Character(UnicodeScalar(try read(exactly: 1)[0]))
        let length = Int(Self.uint32(try read(exactly: 4), at: 0))
        guard length >= 4, length <= Self.maximumLength else {
            throw WireError.unexpected("message '\(type)' length \(length)")
        }
        return (type, try read(exactly: length - 4))
    }

    func write(_ bytes: [UInt8]) throws { try stream.write(bytes) }

    // MARK: Encoding and decoding

    static func uint32(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func bytes(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
    }

    static func cString(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }

    /// Type byte, then Int32 length (itself included), then the body.
    static func message(_ type: Character, _ body: [UInt8]) -> [UInt8] {
        [UInt8(type.asciiValue!)] + bytes(UInt32(body.count + 4)) + body
    }

    /// NUL-terminated strings until an empty one (startup parameters, SASL mechanisms).
    static func strings(_ body: [UInt8]) -> [String] {
        body.split(separator: 0, omittingEmptySubsequences: false).dropLast().map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// `AuthenticationCleartextPassword`: 'R', code 3.
    static var authenticationCleartextPassword: [UInt8] { message("R", bytes(3)) }

    /// `AuthenticationSASL`: 'R', code 10, the mechanism names, an empty name.
    static func authenticationSASL(_ mechanisms: [String]) -> [UInt8] {
        message("R", bytes(10) + mechanisms.flatMap(cString) + [0])
    }

    /// `ErrorResponse` with severity, SQLSTATE and message fields.
    static func errorResponse(severity: String, sqlstate: String, message text: String) -> [UInt8] {
        var body: [UInt8] = []
        for (field, value) in [("S", severity), ("V", severity), ("C", sqlstate), ("M", text)] {
            body += [UInt8(Character(field).asciiValue!)] + cString(value)
        }
        return message("E", body + [0])
    }
}

enum WireError: Error, CustomStringConvertible {
    case closed(after: Int)
    case unexpected(String)

    var description: String {
        switch self {
        case .closed: "the client closed the connection"
        case .unexpected(let what): "protocol violation: \(what)"
        }
    }
}
