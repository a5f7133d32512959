import COpenSSLShim

/// The server side of TLS, on libssl: one `SSL_CTX` with a certificate chain and key.
///
/// This is what the impostor uses to answer PostgreSQL's SSLRequest with a certificate of
/// its choosing. It requests no client certificate and verifies nothing: an impostor only
/// needs the client to accept *its* certificate. Like the PKI wrappers, this file is the
/// one place the libssl server API is called.
public final class TLSServerContext: @unchecked Sendable {
    // Immutable after init; SSL_CTX is safe to share between threads once configured.
    private let context: OpaquePointer

    /// Loads `certificateChainFile` (leaf first, PEM) and `privateKeyFile` (PEM) and checks
    /// that they belong together.
    public init(certificateChainFile: String, privateKeyFile: String) throws {
        OpenSSLError.clearQueue()
        context = try OpenSSLError.require(SSL_CTX_new(TLS_server_method()), "create a TLS server context")
        do {
            try OpenSSLError.check(
                SSL_CTX_use_certificate_chain_file(context, certificateChainFile),
                "load the certificate chain '\(certificateChainFile)'")
            try OpenSSLError.check(
                SSL_CTX_use_PrivateKey_file(context, privateKeyFile, SSL_FILETYPE_PEM),
                "load the private key '\(privateKeyFile)'")
            try OpenSSLError.check(SSL_CTX_check_private_key(context), "match '\(privateKeyFile)' to its certificate")
        } catch {
            SSL_CTX_free(context)
            throw error
        }
    }

    deinit { SSL_CTX_free(context) }

    /// Runs the server handshake on `connection` (whose socket timeouts bound it). On failure
    /// the error's reason is OpenSSL's own text, e.g. the alert the client sent
    /// ("tlsv1 alert unknown ca") when it refused the certificate.
    public func accept(_ connection: LoopbackConnection) throws -> TLSServerSession {
        OpenSSLError.clearQueue()
        let ssl = try OpenSSLError.require(SSL_new(context), "create a TLS session")
        guard SSL_set_fd(ssl, connection.descriptor) == 1 else {
            SSL_free(ssl)
            throw OpenSSLError.failure("attach the TLS session to the socket")
        }
        let status = SSL_accept(ssl)
        if status != 1 {
            let code = SSL_get_error(ssl, status)
            let queue = OpenSSLError.drainQueue()
            SSL_free(ssl)
            let reason =
                code == SSL_ERROR_SYSCALL || code == SSL_ERROR_ZERO_RETURN
                ? "the client closed the connection during the handshake" : queue
            throw ClusterKitError.openSSL(operation: "complete the TLS handshake", reason: reason)
        }
        return TLSServerSession(ssl: ssl, connection: connection)
    }
}

/// One accepted TLS session. Used by one thread at a time.
public final class TLSServerSession: ByteStream {
    private let ssl: OpaquePointer
    /// Kept so the socket outlives the session that reads from it.
    private let connection: LoopbackConnection

    fileprivate init(ssl: OpaquePointer, connection: LoopbackConnection) {
        self.ssl = ssl
        self.connection = connection
    }

    deinit {
        SSL_shutdown(ssl)
        SSL_free(ssl)
    }

    /// "TLSv1.3"
    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// "TLS_AES_256_GCM_SHA384"
    public var cipher: String {
        guard let c = SSL_get_current_cipher(ssl) else { return "" }
        return String(cString: SSL_CIPHER_get_name(c))
    }

    public func read(upTo maximum: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(1, maximum))
        OpenSSLError.clearQueue()
        let n = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        if n > 0 { return Array(buffer[0..<Int(n)]) }
        let code = SSL_get_error(ssl, n)
        if code == SSL_ERROR_ZERO_RETURN { return [] }
        if code == SSL_ERROR_SYSCALL {
            if LoopbackConnection.lastErrorWasTimeout() {
                throw ClusterKitError.socketFailed(operation: "read over TLS", reason: "timed out")
            }
            return []  // the peer closed the TCP connection without close_notify
        }
        throw OpenSSLError.failure("read over TLS")
    }

    public func write(_ bytes: [UInt8]) throws {
        OpenSSLError.clearQueue()
        let n = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        if n != Int32(bytes.count) { throw OpenSSLError.failure("write over TLS") }
    }
}
