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

func send<T: Encodable>(_ value: T) {
    guard let data = try? encoder.encode(value) else { return }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
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

// Never wait on a terminal for a key passphrase (see LibPQLibrary.installKeyPasswordHook).
library.installKeyPasswordHook()
let loaded = ClientLibraries.current(using: library)
guard !loaded.isMixed else {
    let failure = WorkerFailure(
        code: "mixed-openssl", message: "the worker maps more than one libpq/libssl/libcrypto: \(loaded)")
    send(WorkerHello(protocolVersion: WorkerProtocol.version, client: "libpq", libraries: loaded, error: failure))
    exit(1)
}
send(WorkerHello(protocolVersion: WorkerProtocol.version, client: "libpq", libraries: loaded, error: nil))

while let line = readLine(strippingNewline: true) {
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
