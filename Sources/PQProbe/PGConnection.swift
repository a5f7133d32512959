import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection, through a `LibPQLibrary` (the system libpq by default, or one a
/// client worker loaded). Nothing else in the package touches libpq.
///
/// A `PGConnection` is used from one thread at a time (libpq connections are not
/// thread-safe); callers run it inside `BlockingWork.run`.
public final class PGConnection {
    private let conn: OpaquePointer
    /// The libpq this connection runs on.
    public let library: LibPQLibrary
    private let noticeLog = NoticeLog()

    /// What the server sent as NOTICE or WARNING on this connection (PostgreSQL 18's md5
    /// deprecation on CREATE ROLE and at login, an extension that already exists), as libpq
    /// formatted it. Kept here: libpq's default prints them on the harness's stderr, in the
    /// middle of a report or a progress line.
    public var notices: [String] { noticeLog.messages }

    private final class NoticeLog {
        var messages: [String] = []

        static let processor: LibPQLibrary.NoticeProcessor = { argument, message in
            guard let argument, let message else { return }
            let log = Unmanaged<NoticeLog>.fromOpaque(argument).takeUnretainedValue()
            log.messages.append(String(cString: message).trimmingCharacters(in: .newlines))
        }
    }

    /// Routes the connection's notices to `noticeLog`, which lives as long as the connection
    /// (PQfinish runs in deinit, before the stored properties go).
    private func collectNotices() {
        _ = library.setNoticeProcessor(conn, NoticeLog.processor, Unmanaged.passUnretained(noticeLog).toOpaque())
    }

    /// Connects with explicit keyword/value pairs and never expands `dbname` as a conninfo
    /// string: what the caller passes is all libpq gets (besides its env/file defaults for
    /// keywords left out, which `Probe` makes sure never happens).
    public init(parameters: [(String, String)], library: LibPQLibrary = .system) {
        self.library = library
        conn = PGConnection.withKeywordArrays(parameters) { library.connectdbParams($0, $1, 0) }!
        collectNotices()
    }

    /// What `connectPolling` saw while libpq worked through its attempts.
    public private(set) var pollReport = PollReport()

    /// Local ports of every socket libpq opened, and the protocol trace of the startup.
    public struct PollReport: Sendable {
        /// One entry per socket, in order (allow/prefer/multi-host make several): the local
        /// TCP port, or 0 for a Unix socket, which has no port (the server logs it as
        /// `[local]`; see `Probe.pairLogLines` for how such a socket is paired).
        public var localPorts: [Int] = []
        /// Indexes (into `localPorts`) of sockets on which libpq had an SSL object
        /// (PQsslStruct) or PQsslInUse between PQconnectPoll steps: TLS was negotiated or tried.
        public var tlsSockets: Set<Int> = []
        /// True when `timeout` passed before libpq finished.
        public var timedOut = false
        /// libpq's PQtrace output of the startup exchange (timestamps suppressed), or nil
        /// when tracing was not asked for. Contains authentication messages: never log it.
        public var protocolTrace: String?
    }

    /// Connects without blocking inside libpq: PQconnectStartParams, then PQconnectPoll
    /// driven by poll(2) on PQsocket. Between steps the socket's local port is read, so
    /// every attempt (allow/prefer open a second socket) is known by its client port, the
    /// `{127.0.0.1(PORT)}` the server writes in its log prefix.
    ///
    /// `timeout` bounds each wait for the socket; a new socket (a new attempt) starts a new
    /// wait, as libpq's own connect_timeout is per attempt. With `traceProtocol`, PQtrace
    /// records the startup messages (the only way libpq 15 reveals the SASL mechanism it
    /// chose and the fields of a startup ErrorResponse).
    ///
    /// Blocks the calling thread: run it inside `BlockingWork.run`.
    public init(
        connectPolling parameters: [(String, String)], timeout: Double, traceProtocol: Bool,
        library: LibPQLibrary = .system
    ) {
        self.library = library
        let lib = library
        conn = PGConnection.withKeywordArrays(parameters) { lib.connectStartParams($0, $1, 0) }!
        collectNotices()
        let trace: Trace? = traceProtocol ? Trace() : nil
        if let file = trace?.file {
            lib.trace(conn, file)
            lib.setTraceFlags?(conn, LibPQLibrary.traceSuppressTimestamps)
        }
        var report = PollReport()
        var lastSocket: (fd: Int32, port: Int, cookie: UInt64)? = nil
        func notePort() {
            let fd = lib.socket(conn)
            guard fd >= 0, let port = PGConnection.localPort(ofSocket: fd) ?? PGConnection.unixSocketMarker(fd)
            else { return }
            // A new socket may get the port (and the fd number) of the one libpq just closed,
            // when the server closed first; the kernel's socket cookie tells them apart.
            let cookie = PGConnection.socketCookie(fd)
            if lastSocket?.fd != fd || lastSocket?.port != port || lastSocket?.cookie != cookie {
                lastSocket = (fd, port, cookie)
                report.localPorts.append(port)
            }
        }
        func noteTLS() {
            guard lib.socket(conn) == lastSocket?.fd, !report.localPorts.isEmpty else { return }
            if lib.sslInUse(conn) == 1 || lib.sslStruct(conn, "OpenSSL") != nil {
                report.tlsSockets.insert(report.localPorts.count - 1)
            }
        }
        var status =
            lib.status(conn) == LibPQLibrary.connectionBad ? LibPQLibrary.pollingFailed : LibPQLibrary.pollingWriting
        var waitStart = Date()
        var attemptsSeen = 0
        while status != LibPQLibrary.pollingOK && status != LibPQLibrary.pollingFailed {
            notePort()
            if report.localPorts.count != attemptsSeen {
                attemptsSeen = report.localPorts.count
                waitStart = Date()
            }
            let fd = lib.socket(conn)
            if fd >= 0 {
                let remaining = timeout - Date().timeIntervalSince(waitStart)
                if remaining <= 0 { report.timedOut = true; break }
                var pfd = pollfd(
                    fd: fd, events: Int16(status == LibPQLibrary.pollingReading ? POLLIN : POLLOUT), revents: 0)
                let ready = poll(&pfd, 1, Int32(min(remaining, 3600) * 1000))
                if ready < 0 && errno == EINTR { continue }
                if ready == 0 { report.timedOut = true; break }
            }
            status = lib.connectPoll(conn)
            noteTLS()
        }
        notePort()
        noteTLS()
        if trace != nil {
            lib.untrace(conn)
            report.protocolTrace = trace?.finish()
        }
        pollReport = report
    }

    /// An in-memory FILE for PQtrace (open_memstream).
    private final class Trace {
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var size = 0
        var file: UnsafeMutablePointer<FILE>?
        init() { file = open_memstream(&buffer, &size) }
        func finish() -> String {
            guard let file else { return "" }
            fclose(file)
            self.file = nil
            defer { free(buffer); buffer = nil }
            return buffer.map { String(cString: $0) } ?? ""
        }
        deinit { if file != nil { _ = finish() } }
    }

    /// PQconninfo: every option libpq knows with the value this connection ended up with
    /// (nil when unset). Shows whether anything came from outside the caller's parameters.
    public var effectiveOptions: [String: String?] {
        guard let options = library.conninfo(conn) else { return [:] }
        defer { library.conninfoFree(options) }
        var result: [String: String?] = [:]
        for option in PGConnection.options(options) { result[option.keyword] = option.value }
        return result
    }

    /// keyword -> the environment variable libpq 15 reads for it (PQconndefaults' `envvar`),
    /// e.g. "sslmode" -> "PGSSLMODE". Keywords without one (sslpassword) are absent.
    public static var environmentVariables: [String: String] { environmentVariables(of: .system) }

    public static func environmentVariables(of library: LibPQLibrary) -> [String: String] {
        guard let options = library.conndefaults() else { return [:] }
        defer { library.conninfoFree(options) }
        var result: [String: String] = [:]
        for option in PGConnection.options(options) {
            if let envvar = option.envvar { result[option.keyword] = envvar }
        }
        return result
    }

    /// Reads a PQconninfoOption array (NULL keyword ends it). Its C layout: six `char *`
    /// (keyword, envvar, compiled, val, label, dispchar) and an `int dispsize`, padded to
    /// pointer alignment.
    static func options(_ array: UnsafeMutableRawPointer) -> [(keyword: String, envvar: String?, value: String?)] {
        let pointer = MemoryLayout<UnsafePointer<CChar>?>.stride
        let stride = (6 * pointer + MemoryLayout<Int32>.size + pointer - 1) / pointer * pointer
        func string(_ entry: UnsafeMutableRawPointer, _ field: Int) -> String? {
            entry.load(fromByteOffset: field * pointer, as: UnsafePointer<CChar>?.self).map { String(cString: $0) }
        }
        var result: [(String, String?, String?)] = []
        var entry = array
        while let keyword = string(entry, 0) {
            result.append((keyword, string(entry, 1), string(entry, 3)))
            entry += stride
        }
        return result
    }

    deinit { library.finish(conn) }

    public var isConnected: Bool { library.status(conn) == LibPQLibrary.connectionOK }

    /// PQerrorMessage verbatim (libpq's text includes the trailing newline).
    public var errorMessage: String { library.errorMessage(conn).map { String(cString: $0) } ?? "" }

    public var sslInUse: Bool { library.sslInUse(conn) == 1 }

    /// PQsslAttribute: "protocol", "cipher", "key_bits", "library", "compression".
    public func sslAttribute(_ name: String) -> String? {
        guard let value = library.sslAttribute(conn, name) else { return nil }
        return String(cString: value)
    }

    public func parameterStatus(_ name: String) -> String? {
        guard let value = library.parameterStatus(conn, name) else { return nil }
        return String(cString: value)
    }

    public var serverVersion: Int { Int(library.serverVersion(conn)) }
    public var backendPID: Int { Int(library.backendPID(conn)) }
    /// Whether the server asked for a password during authentication.
    public var usedPassword: Bool { library.connectionUsedPassword(conn) == 1 }
    public var user: String? { library.user(conn).map { String(cString: $0) } }

    /// The local TCP port of the connection's socket (pairs a client with server log lines).
    public var localPort: Int? {
        let fd = library.socket(conn)
        guard fd >= 0 else { return nil }
        return PGConnection.localPort(ofSocket: fd)
    }

    /// SO_COOKIE (Linux 4.12+): a number unique to the socket for the life of the system; 0
    /// when unavailable.
    static func socketCookie(_ fd: Int32) -> UInt64 {
        var cookie: UInt64 = 0
        var length = socklen_t(MemoryLayout<UInt64>.size)
        return getsockopt(fd, SOL_SOCKET, 57 /* SO_COOKIE */, &cookie, &length) == 0 ? cookie : 0
    }

    /// 0 when `fd` is a Unix-domain socket (it has no port), else nil.
    static func unixSocketMarker(_ fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return ok == 0 && Int32(storage.ss_family) == AF_UNIX ? 0 : nil
    }

    /// The NULL-terminated keyword and value arrays libpq's *Params functions take, alive for `body`.
    static func withKeywordArrays<T>(
        _ parameters: [(String, String)],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> T
    ) -> T {
        let keys = parameters.map { strdup($0.0) } + [nil]
        let values = parameters.map { strdup($0.1) } + [nil]
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        return keys.withUnsafeBufferPointer { k in
            values.withUnsafeBufferPointer { v in
                k.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: k.count) { kp in
                    v.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: v.count) { vp in
                        body(kp, vp)
                    }
                }
            }
        }
    }

    public static func localPort(ofSocket fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        default:
            return nil
        }
    }

    /// A finished query: column names and text values (nil for SQL NULL).
    public struct QueryResult: Sendable {
        public let columns: [String]
        public let rows: [[String?]]

        public func value(_ row: Int = 0, _ column: String) -> String? {
            guard row < rows.count, let index = columns.firstIndex(of: column) else { return nil }
            return rows[row][index]
        }
    }

    /// A server error: the fields a test asserts on.
    public struct ServerError: Error, Sendable, CustomStringConvertible {
        public let severity: String?
        public let sqlstate: String?
        public let message: String
        public var description: String { message }
    }

    /// Runs one statement (or a semicolon-separated script; the last result is returned).
    public func execute(_ sql: String) throws -> QueryResult {
        guard let result = library.exec(conn, sql) else {
            throw ServerError(severity: nil, sqlstate: nil, message: errorMessage)
        }
        defer { library.clear(result) }
        let status = library.resultStatus(result)
        guard status == LibPQLibrary.tuplesOK || status == LibPQLibrary.commandOK else {
            throw ServerError(
                severity: field(result, PGConnection.diagSeverity),
                sqlstate: field(result, PGConnection.diagSQLState),
                message: library.resultErrorMessage(result).map { String(cString: $0) } ?? "")
        }
        let fields = library.nfields(result)
        let columns = (0..<fields).map { col in library.fname(result, col).map { String(cString: $0) } ?? "" }
        let rows = (0..<library.ntuples(result)).map { row in
            (0..<fields).map { col -> String? in
                library.getisnull(result, row, col) == 1
                    ? nil : library.getvalue(result, row, col).map { String(cString: $0) }
            }
        }
        return QueryResult(columns: columns, rows: rows)
    }

    // postgres_ext.h defines these as char literals, which Swift does not import.
    static let diagSeverity = Int32(UInt8(ascii: "V"))  // PG_DIAG_SEVERITY_NONLOCALIZED
    static let diagSQLState = Int32(UInt8(ascii: "C"))  // PG_DIAG_SQLSTATE

    private func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        library.resultErrorField(result, code).map { String(cString: $0) }
    }

    /// PQlibVersion of the system libpq, e.g. 150018.
    public static var libraryVersion: Int { LibPQLibrary.system.version }
}
