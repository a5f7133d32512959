import COpenSSLShim
import Foundation

/// An owned in-memory OpenSSL `BIO`: the only way bytes go to and from PEM/DER codecs.
///
/// Writing to memory (never to a file path) keeps file creation in `SecureFiles`, which
/// sets mode and owner before the first byte lands.
final class OpenSSLBIO {
    let raw: OpaquePointer

    init() throws {
        raw = try OpenSSLError.require(BIO_new(BIO_s_mem()), "allocate a memory BIO")
    }

    /// A BIO holding a copy of `data`, for reading.
    convenience init(data: Data) throws {
        try self.init()
        let written = data.withUnsafeBytes { bytes in
            bytes.isEmpty ? 0 : BIO_write(raw, bytes.baseAddress, Int32(bytes.count))
        }
        if !data.isEmpty { try OpenSSLError.check(written, "fill a memory BIO") }
    }

    deinit { BIO_free(raw) }

    /// Everything written so far.
    var contents: Data {
        var pointer: UnsafeMutablePointer<CChar>? = nil
        let count = shim_BIO_get_mem_data(raw, &pointer)
        guard let pointer, count > 0 else { return Data() }
        return Data(bytes: pointer, count: count)
    }

    var string: String { String(decoding: contents, as: UTF8.self) }

    /// Runs an OpenSSL writer against a fresh BIO and returns what it wrote.
    static func collect(_ operation: @autoclosure () -> String, _ body: (OpaquePointer) -> Int32) throws -> Data {
        let bio = try OpenSSLBIO()
        try OpenSSLError.check(body(bio.raw), operation())
        return bio.contents
    }
}
