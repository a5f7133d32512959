import Foundation
import PQProbe

#if canImport(Glibc)
    import Glibc
#endif

// pgssl-client-worker LIBPQ_PATH
//
// A client that is not the harness's own libpq: loads the libpq at LIBPQ_PATH with dlopen,
// in a process that links no libpq, libssl or libcrypto (this target depends on PQProbe
// only, which is Swift + Foundation; FoundationNetworking, which would bring libcurl and the
// system OpenSSL, is never imported), so libpq's OpenSSL calls all bind to the copy that
// libpq itself pulled in. Speaks the client-worker protocol (docs/client-worker-protocol.md):
// one hello line, then one JSON response line per JSON request line, until stdin closes.

let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
let decoder = JSONDecoder()

/// Takes the protocol's pipes off fd 0/1 and cuts the worker from any terminal, before
/// anything can prompt: libpq installs no key-password callback when `sslpassword` is empty
/// (fe-secure-openssl.c initialize_SSL), so OpenSSL's PEM_def_callback asks its UI, which
/// opens /dev/tty and else reads stdin (crypto/ui/ui_openssl.c open_console/read_string_inner).
/// A user's program without a terminal gets `processing error` there; the worker must get
/// the same, and must never wait, nor let OpenSSL read a request line as a passphrase. So:
/// a new session (no controlling terminal; TIOCNOTTY when setsid is refused because the
/// worker already leads its process group), stdin and stdout on /dev/null, and the requests
/// and responses on duplicates of the original pipes.
func detachFromTerminal() -> (requests: Int32, responses: Int32) {
    if setsid() < 0 {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY)
        if tty >= 0 {
            _ = ioctl(tty, UInt(TIOCNOTTY))
            close(tty)
        }
    }
    let requests = dup(0)
    let responses = dup(1)
    let null = open("/dev/null", O_RDWR)
    if null >= 0 {
        dup2(null, 0)
        dup2(null, 1)
        if null > 2 { close(null) }
    }
    return (requests, responses)
}

let channel = detachFromTerminal()
let responses = FileHandle(fileDescriptor: channel.responses, closeOnDealloc: false)
let requests: UnsafeMutablePointer<FILE>? = fdopen(channel.requests, "r")

func send<T: Encodable>(_ value: T) {
    guard let data = try? encoder.encode(value) else { return }
    responses.write(data + Data("\n".utf8))
}

/// One request line (without its newline), nil at end of input.
func nextRequestLine(from requests: UnsafeMutablePointer<FILE>?) -> String? {
    guard let requests else { return nil }
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    let count = getline(&line, &capacity, requests)
    guard count >= 0, let line else { return nil }
    var text = String(cString: line)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}

func removeLibpqEnvironment() {
    for name in ProcessInfo.processInfo.environment.keys where name.hasPrefix("PG") { unsetenv(name) }
}

removeLibpqEnvironment()
guard CommandLine.arguments.count == 2 else {
    send(
        WorkerHello(
            protocolVersion: WorkerProtocol.version, client: "libpq", libraries: nil,
            error: WorkerFailure(code: "bad-request", message: "usage: pgssl-client-worker LIBPQ_PATH")))
    exit(2)
}

// Nothing may map an OpenSSL before libpq does: then every OpenSSL symbol libpq needs can
// only come from the copy it brings.
let before = ClientLibraries.mappedFiles()
let preloaded = ClientLibraries.named("libssl", in: before) + ClientLibraries.named("libcrypto", in: before)
let library: LibPQLibrary
do {
    guard preloaded.isEmpty else {
        throw WorkerFailure(
            code: "mixed-openssl",
            message: "the worker mapped \(preloaded.joined(separator: ", ")) before loading libpq; "
                + "it must link no OpenSSL (check its dependencies with ldd)")
    }
    library = try LibPQLibrary(path: CommandLine.arguments[1])
} catch let error as LibPQLoadError {
    send(
        WorkerHello(
            protocolVersion: WorkerProtocol.version, client: "libpq", libraries: nil,
            error: WorkerFailure(code: error.code, message: "\(error)")))
    exit(1)
} catch let error as WorkerFailure {
    send(WorkerHello(protocolVersion: WorkerProtocol.version, client: "libpq", libraries: nil, error: error))
    exit(1)
}

// No key-password hook: libpq answers as it does for a program without a terminal
// (detachFromTerminal), never with a passphrase the harness chose.
let loaded = ClientLibraries.current(using: library)
guard !loaded.isMixed else {
    let failure = WorkerFailure(
        code: "mixed-openssl", message: "the worker maps more than one libpq/libssl/libcrypto: \(loaded)")
    send(WorkerHello(protocolVersion: WorkerProtocol.version, client: "libpq", libraries: loaded, error: failure))
    exit(1)
}
send(WorkerHello(protocolVersion: WorkerProtocol.version, client: "libpq", libraries: loaded, error: nil))

while let line = nextRequestLine(from: requests) {
    guard let request = try? decoder.decode(WorkerRequest.self, from: Data(line.utf8)) else {
        send(
            WorkerResponse(
                id: "", report: nil,
                error: WorkerFailure(code: "bad-request", message: "not a WorkerRequest: \(line.prefix(200))"),
                libraries: nil))
        continue
    }
    removeLibpqEnvironment()
    for (name, value) in request.environment { setenv(name, value, 1) }
    let report = ConnectionAttempt.run(request.keywordValues, timeout: request.timeoutSeconds, library: library)
    send(WorkerResponse(id: request.id, report: report, error: nil, libraries: .current(using: library)))
}
