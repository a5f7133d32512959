import Foundation
import PQProbe

#if canImport(Glibc)
    import Glibc
#endif

/// One running client worker process (`pgssl-client-worker`, or a driver probe speaking the
/// same protocol); one request at a time (the pool guarantees it).
///
/// Never hangs: every read has a deadline (poll(2) on the worker's stdout), and a worker that
/// misses it, dies, or answers garbage is killed with SIGKILL and reaped; the pool starts a
/// new one for the next request.
final class ClientWorker: @unchecked Sendable {
    let process: WorkerProcess
    /// The worker's first line (set once, in init).
    private(set) var hello = WorkerHello(protocolVersion: 0, client: "", libraries: nil, error: nil)
    private var buffer = Data()

    enum Failure: Error, CustomStringConvertible {
        case timedOut(seconds: Double)
        /// The worker ended before answering: how (`WorkerProcess.describe`) and its stderr (`stderrText`).
        case exited(how: String, stderr: String)
        case garbled(line: String)
        case deadBeforeRequest

        var description: String {
            switch self {
            case .timedOut(let seconds): "no answer within \(seconds) s (worker killed)"
            case .exited(let how, let stderr):
                "the worker \(how) before answering" + (stderr.isEmpty ? "" : "; its stderr: \(stderr)")
            case .garbled(let line): "the worker answered something that is not a response: \(line.prefix(200))"
            case .deadBeforeRequest: ClientWorker.deadBeforeRequest
            }
        }
    }

    /// Starts the worker for `libpq` and reads its hello line. Throws `InstallationError`
    /// when the libpq cannot be loaded or the process maps a second OpenSSL.
    convenience init(executable: String, libpq: String, environment: [String: String], helloTimeout: Double) throws {
        try self.init(
            command: WorkerCommand(executable: executable, arguments: [libpq], environment: environment),
            helloTimeout: helloTimeout, libpq: libpq)
    }

    /// Starts any worker (the libpq one or a driver probe) and reads its hello line.
    /// `libpq` names the file a libpq worker loads, for its load-failure message.
    init(command: WorkerCommand, helloTimeout: Double, libpq: String? = nil) throws {
        // A dead worker's stdin must give EPIPE, not kill the harness with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let executable = command.executable
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw InstallationError.workerMissing(path: executable)
        }
        do {
            process = try WorkerProcess(command: command)
        } catch {
            throw InstallationError.workerFailed(reason: "\(error)")
        }
        do {
            let line = try readLine(timeout: helloTimeout)
            guard let hello = try? JSONDecoder().decode(WorkerHello.self, from: Data(line.utf8)) else {
                throw Failure.garbled(line: line)
            }
            self.hello = hello
        } catch {
            kill()
            throw InstallationError.workerFailed(reason: "\(error)")
        }
        if let failure = self.hello.error {
            kill()
            switch failure.code {
            case "mixed-openssl": throw InstallationError.mixedOpenSSL(details: failure.message)
            case "libpq-load-failed", "libpq-symbol-missing":
                throw InstallationError.libpqLoadFailed(path: libpq ?? executable, reason: failure.message)
            default: throw InstallationError.workerFailed(reason: "\(failure)")
            }
        }
    }

    var pid: Int32 { process.pid }

    static let deadBeforeRequest = "the worker had exited before the request was sent"

    /// Sends one request and waits for its response. Blocking: run inside `BlockingWork.run`.
    func send(_ request: WorkerRequest, timeout: Double) throws -> WorkerResponse {
        guard process.isRunning else { throw Failure.deadBeforeRequest }
        process.clearStderr()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(request) + Data("\n".utf8)
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(process.input, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ended()
                }
                offset += written
            }
        }
        let line = try readLine(timeout: timeout)
        guard let response = try? JSONDecoder().decode(WorkerResponse.self, from: Data(line.utf8)),
            response.id == request.id
        else { throw Failure.garbled(line: line) }
        return response
    }

    /// The worker closed its stdout or its stdin: it is ending. Waits a moment for it (a
    /// process that closed them and goes on is killed), and says how it ended.
    private func ended() -> Failure {
        if process.reap(within: 2) == nil { process.kill() }
        let how = process.exitStatus.map(WorkerProcess.describe(status:)) ?? "closed its output"
        return .exited(how: how, stderr: process.stderrText())
    }

    private func readLine(timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[(newline + 1)...])
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw Failure.timedOut(seconds: timeout) }
            var pfd = pollfd(fd: process.output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining, 3600) * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = Glibc.read(process.output, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { throw ended() }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Closes stdin (the worker exits at EOF); SIGKILL if it is still there 1 s later.
    func stop() {
        process.closeInput()
        process.reap(within: 1)
        kill()
    }

    /// SIGKILL and reap (bounded: never waits for a process that cannot end).
    func kill() {
        process.kill()
    }
}
