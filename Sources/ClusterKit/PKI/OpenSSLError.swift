import COpenSSLShim

/// Turns OpenSSL's thread-local error queue into a `ClusterKitError.openSSL`.
///
/// OpenSSL reports *why* something failed only through its error queue; a thrown error
/// without that text leaves the reader guessing. Every failing call in the PKI wrappers
/// goes through `failure(_:)`, which drains the queue (so a later failure does not show
/// stale entries) and keeps OpenSSL's own words.
enum OpenSSLError {
    /// Drains the calling thread's error queue, oldest entry first, one entry per clause.
    static func drainQueue() -> String {
        var entries: [String] = []
        while true {
            var data: UnsafePointer<CChar>? = nil
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            var entry = OpenSSLASN1.string(buffer)
            if let data, flags & ERR_TXT_STRING != 0, data.pointee != 0 {
                entry += " (\(String(cString: data)))"
            }
            entries.append(entry)
        }
        return entries.isEmpty ? "OpenSSL gave no reason" : entries.joined(separator: "; ")
    }

    /// Forgets entries left by earlier, already-handled calls on this thread.
    static func clearQueue() {
        ERR_clear_error()
    }

    /// The error for a failed `operation` ("sign the certificate 'server'"), with the queue's text.
    static func failure(_ operation: String) -> ClusterKitError {
        .openSSL(operation: operation, reason: drainQueue())
    }

    /// Throws unless an OpenSSL status return signals success (1, or positive for byte counts).
    static func check(_ status: Int32, _ operation: @autoclosure () -> String) throws {
        if status <= 0 { throw failure(operation()) }
    }

    /// Unwraps a pointer an OpenSSL constructor returned, or throws with the queue's text.
    static func require<T>(_ value: T?, _ operation: @autoclosure () -> String) throws -> T {
        guard let value else { throw failure(operation()) }
        return value
    }
}

/// The OpenSSL this process is linked with (libpq in this process uses the same libssl).
public enum OpenSSLLibrary {
    public static var version: String { String(cString: OpenSSL_version(0)) }  // OPENSSL_VERSION
}
