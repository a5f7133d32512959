import Foundation
import Synchronization

/// A purpose-built fake PostgreSQL server on 127.0.0.1: it answers SSLRequest with 'S',
/// presents its own certificate, reads the startup packet, asks for a password (cleartext
/// or SCRAM), records what the client sends, answers FATAL and hangs up.
///
/// It exists to show, from the attacker's side, what each sslmode hands to whoever answers
/// at the database's address. Bounded on purpose: loopback only, every socket read/write
/// times out, the accept loop ends by itself after `lifetime`, and connections are served
/// one at a time (libpq's fallback attempts are sequential anyway).
public final class ImpostorServer: Sendable {
    /// What the impostor asks the client for after the startup packet.
    public enum AuthenticationRequest: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
        /// AuthenticationCleartextPassword (R, 3): the client sends the password itself.
        case cleartextPassword = "cleartext-password"
        /// AuthenticationSASL (R, 10) offering SCRAM-SHA-256 only: no -PLUS, because the
        /// impostor cannot bind to a channel whose certificate the client expects.
        case scramWithoutChannelBinding = "scram-sha-256"

        public var description: String { rawValue }

        var label: String {
            switch self {
            case .cleartextPassword: "cleartext password"
            case .scramWithoutChannelBinding: "SASL SCRAM-SHA-256 (no -PLUS)"
            }
        }
    }

    public struct Configuration: Sendable {
        /// PEM chain (leaf first) and key the impostor presents; nil answers 'N' to SSLRequest.
        public var certificateChainFile: String?
        public var privateKeyFile: String?
        public var request: AuthenticationRequest
        /// The FATAL message the impostor answers with after the client's reply.
        public var errorMessage: String
        public var ioTimeout: Duration
        public var lifetime: Duration

        public init(
            certificateChainFile: String?, privateKeyFile: String?, request: AuthenticationRequest,
            errorMessage: String = ImpostorServer.defaultErrorMessage,
            ioTimeout: Duration = .seconds(5), lifetime: Duration = .seconds(60)
        ) {
            self.certificateChainFile = certificateChainFile
            self.privateKeyFile = privateKeyFile
            self.request = request
            self.errorMessage = errorMessage
            self.ioTimeout = ioTimeout
            self.lifetime = lifetime
        }
    }

    /// What the client reads after handing over its password: SQLSTATE 28P01 like a real
    /// failed login, so libpq treats it exactly as a server-side authentication failure.
    public static let defaultErrorMessage = "impostor: captured"
    public static let errorSQLState = "28P01"

    public let port: Int
    public let configuration: Configuration
    private let listener: LoopbackListener
    private let tls: TLSServerContext?
    private let captures = Mutex<[ImpostorCapture]>([])
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Binds 127.0.0.1 on a free port and starts serving on a thread of its own.
    /// SIGPIPE is ignored process-wide from here on: libssl writes to the socket with plain
    /// write(2), and a client that hangs up mid-reply must not kill the harness.
    public static func start(_ configuration: Configuration) throws -> ImpostorServer {
        signal(SIGPIPE, SIG_IGN)
        let server = try ImpostorServer(configuration)
        let thread = Thread { server.serve() }
        thread.name = "impostor-\(server.port)"
        thread.start()
        return server
    }

    private init(_ configuration: Configuration) throws {
        self.configuration = configuration
        if let cert = configuration.certificateChainFile, let key = configuration.privateKeyFile {
            tls = try TLSServerContext(certificateChainFile: cert, privateKeyFile: key)
        } else {
            tls = nil
        }
        listener = try LoopbackListener()
        port = listener.port
    }

    /// Stops accepting, waits for the connection in progress (bounded by `ioTimeout`) and
    /// returns every capture, in arrival order. Safe to call more than once.
    @discardableResult
    public func stop() -> [ImpostorCapture] {
        if !stopping.exchange(true, ordering: .acquiringAndReleasing) {
            finished.wait()
            listener.close()
        }
        return captures.withLock { $0 }
    }

    /// What has been captured so far.
    public var captured: [ImpostorCapture] { captures.withLock { $0 } }

    private func serve() {
        let deadline = ContinuousClock.now + configuration.lifetime
        var count = 0
        while !stopping.load(ordering: .acquiring), ContinuousClock.now < deadline {
            guard let connection = try? listener.accept(waiting: .milliseconds(20), ioTimeout: configuration.ioTimeout)
            else { continue }
            count += 1
            let capture = handle(connection, number: count)
            captures.withLock { $0.append(capture) }
        }
        listener.close()
        finished.signal()
    }

    /// One client, start to end. Never throws: whatever ends the conversation is the capture's detail.
    private func handle(_ connection: LoopbackConnection, number: Int) -> ImpostorCapture {
        var capture = ImpostorCapture(connection: number, stage: .other, startupParameters: [:])
        let wire = WireConnection(connection)
        var session: TLSServerSession?
        do {
            var packet = try wire.readInitialPacket()
            while packet.code == WireConnection.sslRequestCode || packet.code == WireConnection.gssEncRequestCode {
                if packet.code == WireConnection.sslRequestCode, let tls, session == nil {
                    capture.sslRequested = true
                    try wire.write(Array("S".utf8))
                    do {
                        let s = try tls.accept(connection)
                        session = s
                        capture.tlsProtocol = s.protocolVersion
                        capture.tlsCipher = s.cipher
                        try wire.switchStream(to: s)
                    } catch let ClusterKitError.openSSL(_, reason) {
                        capture.stage = .tlsRefused
                        capture.detail = reason
                        return capture
                    }
                } else {
                    try wire.write(Array("N".utf8))
                }
                do {
                    packet = try wire.readInitialPacket()
                } catch WireError.closed(after: 0) where session != nil {
                    capture.stage = .closedAfterHandshake
                    capture.detail =
                        "the client closed the connection after the TLS handshake without sending a startup packet"
                    return capture
                }
            }
            guard packet.code == WireConnection.protocol3 else {
                capture.detail = "unsupported startup code \(packet.code)"
                return capture
            }
            let fields = WireConnection.strings(packet.body)
            for i in stride(from: 0, to: fields.count - 1, by: 2) {
                capture.startupParameters[fields[i]] = fields[i + 1]
            }

            capture.authenticationRequest = configuration.request.label
            switch configuration.request {
            case .cleartextPassword: try wire.write(WireConnection.authenticationCleartextPassword)
            case .scramWithoutChannelBinding: try wire.write(WireConnection.authenticationSASL(["SCRAM-SHA-256"]))
            }
            let reply: (type: Character, body: [UInt8])
            do {
                reply = try wire.readMessage()
            } catch WireError.closed(after: 0) {
                capture.stage = .refusedAuthentication
                capture.detail = "the client read the authentication request and closed the connection"
                return capture
            }
            guard reply.type == "p" else {
                capture.detail = "the client answered with message '\(reply.type)'"
                return capture
            }
            switch configuration.request {
            case .cleartextPassword:
                capture.password = WireConnection.strings(reply.body).first ?? ""
            case .scramWithoutChannelBinding:
                // SASLInitialResponse: mechanism name, Int32 length, client-first-message.
                let name = reply.body.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
                capture.saslMechanism = String(decoding: name[0], as: UTF8.self)
                if name.count == 2, name[1].count >= 4 {
                    capture.saslFirstMessage = String(decoding: name[1].dropFirst(4), as: UTF8.self)
                }
            }
            capture.stage = .answered
            try wire.write(
                WireConnection.errorResponse(
                    severity: "FATAL", sqlstate: ImpostorServer.errorSQLState, message: configuration.errorMessage))
        } catch {
            capture.detail = "\(error)"
        }
        return capture
    }
}
