import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq, loaded with `dlopen` by path: the only place the package reaches libpq's C API.
///
/// Why dlopen instead of linking: the harness compares libpq builds (other majors, other
/// OpenSSLs), and a libpq can only be chosen at run time. The main process uses `.system`
/// (the `libpq.so.5` that ClusterKit links, so the same copy); the client worker
/// (`pgssl-client-worker`) loads the libpq a run selected, in a process that maps no other
/// OpenSSL. The function table below is libpq's stable C ABI (libpq-fe.h): enums are C
/// `int`s, `PGconn *`/`PGresult *` opaque pointers. Functions newer than libpq 14
/// (`PQsetTraceFlags` is 14+) are optional and checked where used.
public final class LibPQLibrary: @unchecked Sendable {
    /// The path it was loaded from, as given.
    public let path: String
    /// PQlibVersion(), e.g. 150018.
    public let version: Int

    typealias Conn = OpaquePointer
    typealias Result = OpaquePointer
    typealias Words = UnsafePointer<UnsafePointer<CChar>?>
    typealias CString = UnsafePointer<CChar>
    typealias MutableCString = UnsafeMutablePointer<CChar>

    let connectdbParams: @convention(c) (Words?, Words?, Int32) -> Conn?
    let connectStartParams: @convention(c) (Words?, Words?, Int32) -> Conn?
    let connectPoll: @convention(c) (Conn?) -> UInt32
    let status: @convention(c) (Conn?) -> UInt32
    let socket: @convention(c) (Conn?) -> Int32
    let trace: @convention(c) (Conn?, UnsafeMutablePointer<FILE>?) -> Void
    let setTraceFlags: (@convention(c) (Conn?, Int32) -> Void)?
    let untrace: @convention(c) (Conn?) -> Void
    let finish: @convention(c) (Conn?) -> Void
    let errorMessage: @convention(c) (Conn?) -> MutableCString?
    let sslInUse: @convention(c) (Conn?) -> Int32
    let sslAttribute: @convention(c) (Conn?, CString?) -> CString?
    let sslStruct: @convention(c) (Conn?, CString?) -> UnsafeMutableRawPointer?
    let parameterStatus: @convention(c) (Conn?, CString?) -> CString?
    let serverVersion: @convention(c) (Conn?) -> Int32
    let backendPID: @convention(c) (Conn?) -> Int32
    let connectionUsedPassword: @convention(c) (Conn?) -> Int32
    let user: @convention(c) (Conn?) -> MutableCString?
    let exec: @convention(c) (Conn?, CString?) -> Result?
    let resultStatus: @convention(c) (Result?) -> UInt32
    let resultErrorField: @convention(c) (Result?, Int32) -> MutableCString?
    let resultErrorMessage: @convention(c) (Result?) -> MutableCString?
    let clear: @convention(c) (Result?) -> Void
    let nfields: @convention(c) (Result?) -> Int32
    let ntuples: @convention(c) (Result?) -> Int32
    let fname: @convention(c) (Result?, Int32) -> MutableCString?
    let getvalue: @convention(c) (Result?, Int32, Int32) -> MutableCString?
    let getisnull: @convention(c) (Result?, Int32, Int32) -> Int32
    let conninfo: @convention(c) (Conn?) -> UnsafeMutableRawPointer?
    let conndefaults: @convention(c) () -> UnsafeMutableRawPointer?
    let conninfoFree: @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias NoticeProcessor = @convention(c) (UnsafeMutableRawPointer?, CString?) -> Void
    let setNoticeProcessor: @convention(c) (Conn?, NoticeProcessor?, UnsafeMutableRawPointer?) -> NoticeProcessor?

    // libpq-fe.h values (stable ABI).
    static let connectionOK: UInt32 = 0  // CONNECTION_OK
    static let connectionBad: UInt32 = 1  // CONNECTION_BAD
    static let pollingFailed: UInt32 = 0  // PGRES_POLLING_FAILED
    static let pollingReading: UInt32 = 1  // PGRES_POLLING_READING
    static let pollingWriting: UInt32 = 2  // PGRES_POLLING_WRITING
    static let pollingOK: UInt32 = 3  // PGRES_POLLING_OK
    static let commandOK: UInt32 = 1  // PGRES_COMMAND_OK
    static let tuplesOK: UInt32 = 2  // PGRES_TUPLES_OK
    static let traceSuppressTimestamps: Int32 = 1  // PQTRACE_SUPPRESS_TIMESTAMPS

    /// Loads `path` (a file, or a soname the dynamic loader resolves). Throws when it cannot
    /// be loaded or lacks a function the probe needs.
    public init(path: String) throws(LibPQLoadError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .cannotLoad(path: path, reason: dlerror().map { String(cString: $0) } ?? "unknown dlopen error")
        }
        func symbol<T>(_ name: String) throws(LibPQLoadError) -> T {
            guard let address = dlsym(handle, name) else { throw .missingSymbol(path: path, symbol: name) }
            return unsafeBitCast(address, to: T.self)
        }
        func optional<T>(_ name: String) -> T? { dlsym(handle, name).map { unsafeBitCast($0, to: T.self) } }
        self.path = path
        connectdbParams = try symbol("PQconnectdbParams")
        connectStartParams = try symbol("PQconnectStartParams")
        connectPoll = try symbol("PQconnectPoll")
        status = try symbol("PQstatus")
        socket = try symbol("PQsocket")
        trace = try symbol("PQtrace")
        setTraceFlags = optional("PQsetTraceFlags")
        untrace = try symbol("PQuntrace")
        finish = try symbol("PQfinish")
        errorMessage = try symbol("PQerrorMessage")
        sslInUse = try symbol("PQsslInUse")
        sslAttribute = try symbol("PQsslAttribute")
        sslStruct = try symbol("PQsslStruct")
        parameterStatus = try symbol("PQparameterStatus")
        serverVersion = try symbol("PQserverVersion")
        backendPID = try symbol("PQbackendPID")
        connectionUsedPassword = try symbol("PQconnectionUsedPassword")
        user = try symbol("PQuser")
        exec = try symbol("PQexec")
        resultStatus = try symbol("PQresultStatus")
        resultErrorField = try symbol("PQresultErrorField")
        resultErrorMessage = try symbol("PQresultErrorMessage")
        clear = try symbol("PQclear")
        nfields = try symbol("PQnfields")
        ntuples = try symbol("PQntuples")
        fname = try symbol("PQfname")
        getvalue = try symbol("PQgetvalue")
        getisnull = try symbol("PQgetisnull")
        conninfo = try symbol("PQconninfo")
        conndefaults = try symbol("PQconndefaults")
        conninfoFree = try symbol("PQconninfoFree")
        setNoticeProcessor = try symbol("PQsetNoticeProcessor")
        let libVersion: @convention(c) () -> Int32 = try symbol("PQlibVersion")
        version = Int(libVersion())
    }

    /// The libpq this process links (ClusterKit's CLibPQ): dlopen of the same soname returns
    /// the copy already loaded, so the in-process probe and the SQL helpers share it.
    public static let system: LibPQLibrary = {
        do {
            return try LibPQLibrary(path: "libpq.so.5")
        } catch {
            fatalError("the system libpq (libpq.so.5) cannot be loaded: \(error); install libpq5 (make setup)")
        }
    }()
}

/// Why a libpq could not be used. Stable codes (tests and JSON reports use them).
public enum LibPQLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    case cannotLoad(path: String, reason: String)
    case missingSymbol(path: String, symbol: String)

    public var code: String {
        switch self {
        case .cannotLoad: "libpq-load-failed"
        case .missingSymbol: "libpq-symbol-missing"
        }
    }

    public var description: String {
        switch self {
        case .cannotLoad(let path, let reason):
            "error[\(code)]: the libpq at \(path) cannot be loaded: \(reason). Point --client at a directory "
                + "holding a working libpq.so.5 (or run `make majors`)"
        case .missingSymbol(let path, let symbol):
            "error[\(code)]: \(path) has no \(symbol); it is not a libpq 14 or newer. Point --client at another build"
        }
    }
}
