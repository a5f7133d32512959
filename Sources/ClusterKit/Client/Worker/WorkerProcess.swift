import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One worker child: spawned with posix_spawn, its stdin/stdout pipes and its stderr file
/// opened close-on-exec, reaped by pid here, with every wait bounded.
///
/// Why not Foundation's `Process`: on Linux it learns that a child ended only when a socket
/// the child inherited reaches EOF, and that socket (like `Pipe`'s ends) is created without
/// close-on-exec. A postmaster spawned at the same moment inherits it, so the socket never
/// closes, `isRunning` stays true after the child died, and `waitUntilExit` waits forever:
/// a PostgresNIO full run stalled exactly so after two probes died (the killing thread sat
/// in `waitUntilExit` on a zombie). Here nothing the harness holds leaks into any child, the
/// worker inherits nothing but its three standard descriptors, and `reap` never blocks.
final class WorkerProcess: Sendable {
    let pid: pid_t
    /// The worker's stdin (write end) and stdout (read end), close-on-exec in this process.
    let input: Int32
    let output: Int32
    /// The worker's stderr: an unlinked file this process reads back when the worker dies.
    private let errors: Int32
    private struct State {
        var status: Int32?
        var inputClosed = false
        var closed = false
    }
    private let state = Mutex(State())
    private let token: UInt64

    struct SpawnFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `command`: stdin and stdout are pipes, stderr a private file, the working
    /// directory `command.directory`, signal dispositions and mask reset (the harness ignores
    /// SIGPIPE and the termination signals), in its own process group (a terminal's ^C reaches
    /// the harness, which stops it).
    init(command: WorkerCommand) throws {
        let toChild = try Self.closeOnExecPipe()
        let fromChild: [Int32]
        do { fromChild = try Self.closeOnExecPipe() } catch {
            toChild.forEach { close($0) }
            throw error
        }
        let errorPath = NSTemporaryDirectory() + "/pgssl-worker-stderr-\(getpid())-\(UUID().uuidString)"
        let errorFile = open(errorPath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_APPEND, 0o600)
        guard errorFile >= 0 else {
            (toChild + fromChild).forEach { close($0) }
            throw SpawnFailure(description: "cannot create \(errorPath): \(Self.errnoText())")
        }
        unlink(errorPath)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copy, so exactly 0, 1 and 2 survive the exec.
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorFile, 2)
        if let closeFrom = SpawnExtensions.addCloseFrom { _ = closeFrom(&actions, 3) }
        if let directory = command.directory {
            guard let chdir = SpawnExtensions.addChdir else {
                (toChild + fromChild + [errorFile]).forEach { close($0) }
                throw SpawnFailure(description: "this C library cannot set a child's directory (\(directory))")
            }
            _ = chdir(&actions, directory)
        }
        let spawned = ChildSpawn.spawn(
            command.executable, argv: [command.executable] + command.arguments, environment: command.environment,
            actions: &actions, flags: Int32(POSIX_SPAWN_SETPGROUP)
        ) { posix_spawnattr_setpgroup(&$0, 0) }
        close(toChild[0])
        close(fromChild[1])
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let error):
            [toChild[1], fromChild[0], errorFile].forEach { close($0) }
            throw SpawnFailure(description: "cannot start \(command.executable): \(error.text)")
        }
        self.pid = pid
        input = toChild[1]
        output = fromChild[0]
        errors = errorFile
        token = ProcessTable.add(pid: pid, command: command.commandLine)
    }

    /// The exit status once the worker ended (reaping it), nil while it runs. Never blocks.
    var exitStatus: Int32? {
        state.withLock { state in
            if let status = state.status { return status }
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r == -1 && errno == ECHILD) {
                state.status = r == pid ? status : -1
                ProcessTable.remove(token: token)
            }
            return state.status
        }
    }

    var isRunning: Bool { exitStatus == nil }

    /// Waits up to `seconds` for the worker to end; its status, or nil if it still runs.
    @discardableResult
    func reap(within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var pause: useconds_t = 200
        while true {
            if let status = exitStatus { return status }
            if Date() >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// SIGKILL (unless it already ended) and reap, bounded: a process the kernel cannot
    /// finish (uninterruptible sleep) is left as it is rather than waited for.
    func kill() {
        if exitStatus == nil { Glibc.kill(pid, SIGKILL) }
        reap(within: 10)
        closeDescriptors()
    }

    /// Closes the worker's stdin (it exits at EOF), once.
    func closeInput() {
        state.withLock { state in
            if !state.inputClosed { _ = close(input) }
            state.inputClosed = true
        }
    }

    private func closeDescriptors() {
        closeInput()
        state.withLock { state in
            if !state.closed { [output, errors].forEach { _ = close($0) } }
            state.closed = true
        }
    }

    /// What the worker wrote to stderr since the request began, shortened to its first
    /// `head` and last `tail` bytes: a crash report names the failure at its start (a Swift
    /// runtime's "Program crashed: ... Thread N crashed: 0 <frame>", a JVM's "A fatal error"),
    /// an interpreter's traceback at its end.
    func stderrText(head: Int = 1200, tail: Int = 400) -> String {
        guard state.withLock({ !$0.closed }) else { return "" }
        let size = Int(lseek(errors, 0, SEEK_END))
        guard size > 0 else { return "" }
        func read(_ offset: Int, _ count: Int) -> String {
            var buffer = [UInt8](repeating: 0, count: count)
            let n = pread(errors, &buffer, count, off_t(offset))
            return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : ""
        }
        let text =
            size <= head + tail ? read(0, size) : read(0, head) + " [...] " + read(size - tail, tail)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Forgets what the worker wrote to stderr so far (called before each request, so the
    /// tail read after a death belongs to that request).
    func clearStderr() {
        if state.withLock({ !$0.closed }) { _ = ftruncate(errors, 0) }
    }

    /// "exited with status 3" / "killed by signal 11 (SIGSEGV)", for a wait status.
    static func describe(status: Int32) -> String {
        if status == -1 { return "ended (status unknown)" }
        let signal = status & 0x7f
        if signal == 0 { return "exited with status \((status >> 8) & 0xff)" }
        let name = signalNames[signal].map { " (\($0))" } ?? ""
        return "was killed by signal \(signal)\(name)"
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
        SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
        SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM",
    ]

    /// A pipe whose both ends are close-on-exec from the start (pipe2), so no child spawned
    /// meanwhile by another thread inherits them.
    private static func closeOnExecPipe() throws -> [Int32] {
        var ends: [Int32] = [-1, -1]
        if let pipe2 = SpawnExtensions.pipe2 {
            guard pipe2(&ends, O_CLOEXEC) == 0 else { throw SpawnFailure(description: "pipe2: \(errnoText())") }
            return ends
        }
        guard pipe(&ends) == 0 else { throw SpawnFailure(description: "pipe: \(errnoText())") }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return ends
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// glibc's pipe2 and posix_spawn extensions, which the Swift importer hides (`__USE_GNU`):
/// looked up at run time, so a C library without them still works (without closefrom the
/// close-on-exec descriptors still keep the harness's pipes out of the worker).
enum SpawnExtensions {
    typealias FileAction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChdirAction =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>)
        -> Int32

    nonisolated(unsafe) static let addCloseFrom: FileAction? = symbol("posix_spawn_file_actions_addclosefrom_np")
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    nonisolated(unsafe) static let pipe2: Pipe2? = symbol("pipe2")
    nonisolated(unsafe) static let addChdir: ChdirAction? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let pointer = dlsym(handle, name) else { return nil }
        return unsafeBitCast(pointer, to: T.self)
    }
}
