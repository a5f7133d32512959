import Foundation
import PQProbe

/// Client workers for one libpq build or one driver probe: as many processes as requests in
/// flight (the runner bounds that by its probe parallelism), reused between requests,
/// replaced when one dies or misses its deadline.
public actor ClientWorkerPool {
    /// The libpq file every worker loads ("" for a driver probe).
    public nonisolated let libpq: String
    /// What the first worker mapped; every later response must map the same. A driver probe
    /// reports no libraries: empty (`ClientLibraries.none`).
    public nonisolated let libraries: ClientLibraries
    /// The driver a driver probe names in its hello; nil for the libpq worker.
    public nonisolated let driver: DriverIdentity?
    /// How every worker of this pool is started.
    public nonisolated let command: WorkerCommand
    private var idle: [ClientWorker] = []
    private var busy: [Int32: ClientWorker] = [:]
    /// Workers killed after a crash or a missed deadline.
    public private(set) var restarts = 0

    /// Starts one worker and checks its hello: a libpq that does not load, or a process that
    /// maps a second OpenSSL, fails here, before any server is started.
    /// `extraEnvironment` is added to the workers' environment (e.g. LD_PRELOAD to check the
    /// mixed-OpenSSL guard).
    public init(
        libpq: String, executable: String = ClientWorkerPool.defaultExecutable,
        extraEnvironment: [String: String] = [:]
    ) async throws {
        // The worker sees no PG* variables and the HOME libpq would use in this process.
        var variables = ["PATH": "/usr/bin:/bin"]
        variables["HOME"] = ConnectionParameters.libpqHomeDirectory
        variables.merge(extraEnvironment) { _, extra in extra }
        let command = WorkerCommand(executable: executable, arguments: [libpq], environment: variables)
        let first = try await BlockingWork.run {
            try ClientWorker(command: command, helloTimeout: 30, libpq: libpq)
        }
        guard let libraries = first.hello.libraries else {
            first.kill()
            throw InstallationError.workerFailed(reason: "the worker's hello names no libraries")
        }
        self.libpq = libpq
        self.command = command
        self.libraries = libraries
        self.driver = nil
        idle = [first]
    }

    /// A pool of driver probes (docs/driver-probes.md): `command` is the registry's, its
    /// environment complete (PATH, HOME, what the runtime needs; never PG*). The hello must
    /// name the driver; a probe that cannot load its driver fails here.
    public init(driverCommand command: WorkerCommand, helloTimeout: Double = 60) async throws {
        let first = try await BlockingWork.run { try ClientWorker(command: command, helloTimeout: helloTimeout) }
        guard let driver = first.hello.driver, first.hello.protocolVersion == WorkerProtocol.version else {
            first.kill()
            throw InstallationError.workerFailed(
                reason:
                    "\(command.commandLine) answered a hello without a driver or protocol version \(WorkerProtocol.version)"
            )
        }
        self.libpq = ""
        self.command = command
        self.libraries = .none
        self.driver = driver
        idle = [first]
    }

    /// `PGSSLMATRIX_CLIENT_WORKER`, else `pgssl-client-worker` next to this executable
    /// (SwiftPM puts every product and the test bundle in the same build directory).
    public static var defaultExecutable: String {
        if let path = ProcessInfo.processInfo.environment["PGSSLMATRIX_CLIENT_WORKER"], !path.isEmpty { return path }
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("pgssl-client-worker")
    }

    /// Runs one request on an idle worker (or a new one). `deadline` bounds the whole
    /// request; a worker that misses it is killed. Errors are `InstallationError`.
    public func connect(_ request: WorkerRequest, deadline: Double) async throws -> WorkerResponse {
        do {
            return try await connectOnce(request, deadline: deadline, allowIdle: true)
        } catch InstallationError.workerFailed(let reason) where reason.hasPrefix(ClientWorker.deadBeforeRequest) {
            // An idle worker that died in between never saw the request: run it on a new one.
            return try await connectOnce(request, deadline: deadline, allowIdle: false)
        }
    }

    private func connectOnce(
        _ request: WorkerRequest, deadline: Double, allowIdle: Bool
    ) async throws
        -> WorkerResponse
    {
        let worker: ClientWorker
        if allowIdle, let reused = idle.popLast() {
            worker = reused
        } else {
            let (command, libpq) = (self.command, self.libpq)
            worker = try await BlockingWork.run {
                try ClientWorker(command: command, helloTimeout: 60, libpq: libpq.isEmpty ? nil : libpq)
            }
        }
        busy[worker.pid] = worker
        let outcome = await Result(catching: {
            try await DedicatedThread.run { try worker.send(request, timeout: deadline) }
        })
        busy[worker.pid] = nil
        switch outcome {
        case .success(let response):
            idle.append(worker)
            if driver == nil, let libraries = response.libraries, libraries != self.libraries || libraries.isMixed {
                throw InstallationError.mixedOpenSSL(
                    details: "the worker started with \(self.libraries) but answered with \(libraries)")
            }
            return response
        case .failure(let error):
            restarts += 1
            // Its own thread, like the request: under load GCD grows its pool for blocked work
            // only slowly, and the reap must not wait behind other cases' connects.
            _ = try? await DedicatedThread.run { worker.kill() }
            if case ClientWorker.Failure.exited(let how, let stderr) = error {
                throw InstallationError.workerDied(how: how, stderr: stderr)
            }
            throw InstallationError.workerFailed(reason: "\(error)")
        }
    }

    /// Process ids of the running workers (tests kill one to check the restart).
    public var workerPIDs: [Int32] { idle.map(\.pid) + busy.keys }

    /// Stops every worker (closes stdin, SIGKILL after 1 s).
    public func shutdown() async {
        let all = idle + busy.values
        idle = []
        busy = [:]
        for worker in all { await BlockingWork.runDetached { worker.stop() } }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension BlockingWork {
    /// `run` for a body that cannot fail.
    static func runDetached(_ body: @escaping @Sendable () -> Void) async {
        _ = try? await run { body() }
    }
}

/// Runs a blocking wait on its own thread. A worker request blocks for a whole TLS connect;
/// on GCD's shared pool that would hold a thread the in-process probes and SQL helpers need
/// (Linux libdispatch adds threads for blocked work only slowly), so each request gets a
/// thread of its own (~50 µs to create, nothing next to a connect).
enum DedicatedThread {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
