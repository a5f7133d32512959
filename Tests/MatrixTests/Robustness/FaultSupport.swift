import Foundation
import Synchronization
import Testing

@testable import ClusterKit

/// A separate `sslmatrix` run in its own private PGSSLMATRIX_TMPDIR, so a fault test can
/// kill it and then check that its whole workspace is empty: no process working there, no
/// run directory, no port lock file, no shared memory of its servers.
struct IsolatedRun {
    let tmp: String
    let output: String
    var base: String { "\(tmp)/pg-ssl-matrix-\(geteuid())" }

    /// PGSSLMATRIX_START for the run: "pg_ctl" exercises `pg_ctl start`, nil the direct spawn.
    let startMethod: String?

    /// A bindir whose postmaster is held at the gate until the test opens it, or nil.
    let bindir: String?

    /// Where a held start waits: `started` appears when pg_ctl's postmaster reached the gate,
    /// `go` (made by `releaseStart()`) lets it exec the real postgres.
    var gate: String { "\(tmp)/gate" }

    /// `holdStart`: the run uses a bindir whose `postgres` announces itself at the gate and
    /// waits there until the test calls `releaseStart()` (at most `holdLimit` seconds), so
    /// "pg_ctl start is in flight" is a state the test holds, not a window it must catch: the
    /// test's polling task can be starved for seconds when the whole suite runs on 2 cores.
    init(startMethod: String? = nil, holdStart: Bool = false) throws {
        self.startMethod = startMethod
        tmp = "/dev/shm/sslm-fault-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: false)
        chmod(tmp, 0o755)
        output = "\(tmp).out"
        if holdStart {
            let real = try Installation.discover().bindir
            let dir = "\(tmp)/slow-bin"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
            // The server account writes `started` here.
            try FileManager.default.createDirectory(atPath: "\(tmp)/gate", withIntermediateDirectories: false)
            chmod("\(tmp)/gate", 0o777)
            // initdb resolves its own symlink and bootstraps with the real postgres; pg_ctl is a
            // copy, so it looks for postgres beside itself and starts the wrapper.
            try FileManager.default.createSymbolicLink(atPath: "\(dir)/initdb", withDestinationPath: "\(real)/initdb")
            try FileManager.default.copyItem(atPath: "\(real)/pg_ctl", toPath: "\(dir)/pg_ctl")
            let steps = Int(Self.holdLimit * 20)
            let script = """
                #!/bin/sh
                case "$1" in -V|--version|-C|--describe-config) exec \(real)/postgres "$@" ;; esac
                : > \(tmp)/gate/started
                i=0
                while [ ! -e \(tmp)/gate/go ] && [ $i -lt \(steps) ]; do sleep 0.05; i=$((i + 1)); done
                exec \(real)/postgres "$@"

                """
            try script.write(toFile: "\(dir)/postgres", atomically: true, encoding: .utf8)
            for tool in ["pg_ctl", "postgres"] { chmod("\(dir)/\(tool)", 0o755) }
            chmod(dir, 0o755)
            bindir = dir
        } else {
            bindir = nil
        }
    }

    /// How long a held start waits for `releaseStart()` before it goes on by itself (below
    /// pg_ctl's own 60 s `-t`, so a test that never releases still ends).
    static let holdLimit = 45.0

    /// pg_ctl's postmaster is waiting at the gate (pg_ctl start is in flight until released).
    var startIsHeld: Bool { FileManager.default.fileExists(atPath: "\(gate)/started") }

    /// Lets a held start exec the real postgres.
    func releaseStart() {
        FileManager.default.createFile(atPath: "\(gate)/go", contents: nil)
    }

    var environment: [String: String] {
        var extra = ["PGSSLMATRIX_TMPDIR": tmp]
        if let startMethod { extra["PGSSLMATRIX_START"] = startMethod }
        if let bindir { extra["PGSSLMATRIX_BINDIR"] = bindir }
        return Command.cleanEnvironment(adding: extra)
    }

    /// A postmaster of this workspace exists but its postmaster.pid does not say `ready` yet
    /// (the direct spawn's start-up window).
    var postgresStarting: Bool {
        ProcessTable.processIDs().contains { pid in
            guard let words = ProcessTable.commandLine(of: pid), words.count >= 3,
                words.contains(where: { $0.hasSuffix("/postgres") }), let d = words.firstIndex(of: "-D"),
                d + 1 < words.count, words[d + 1].hasPrefix(tmp + "/")
            else { return false }
            let pidFile = (try? String(contentsOfFile: words[d + 1] + "/postmaster.pid", encoding: .utf8)) ?? ""
            return !pidFile.contains("ready")
        }
    }

    /// Starts `sslmatrix ARGS` in the background of a non-interactive shell, which (as
    /// POSIX says) starts it with SIGINT ignored; returns its pid.
    func launch(_ arguments: [String]) async throws -> Int32 {
        let words = ([PackagePaths.sslmatrix] + arguments).map(Command.shellQuote).joined(separator: " ")
        let r = try await Command.check(
            "/bin/sh", ["-c", "\(words) > \(output) 2>&1 & echo $!"], environment: environment, timeout: 300)
        return try #require(Int32(r.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// What `launchHeldAndSignal` saw before it signalled the run.
    struct HeldSignal: Sendable {
        /// The run's pid (nil: the shell did not start it).
        var pid: Int32?
        /// pg_ctl's postmaster reached the gate.
        var held = false
        /// A `pg_ctl start` of this workspace was running while the postmaster was held.
        var inFlight = false
        var pidFiles: [Postmaster.PidFile] = []
    }

    /// Starts `sslmatrix ARGS` (with `holdStart`), waits until pg_ctl's postmaster is held at
    /// the gate, notes whether pg_ctl start is in flight, sends `signal` to the run and then
    /// releases the start, which goes on while the run handles the signal.
    ///
    /// All of it runs on a thread of its own, not on the cooperative pool: in the full suite
    /// on 2 cores every await can wait behind the in-process matrix's queued jobs, once for
    /// more than the 45 s a start is held (the postmaster then started, the run was ready, and
    /// the test saw no pg_ctl at all). A kernel-scheduled thread sees the held start at once.
    func launchHeldAndSignal(_ arguments: [String], signal: Int32) async -> HeldSignal {
        await withCheckedContinuation { (done: CheckedContinuation<HeldSignal, Never>) in
            Thread {
                var seen = HeldSignal()
                guard let pid = launchBlocking(arguments) else { return done.resume(returning: seen) }
                seen.pid = pid
                let deadline = Date().addingTimeInterval(180)
                while !startIsHeld && ProcessIdentity.isRunning(pid) && Date() < deadline { usleep(5_000) }
                seen.held = startIsHeld
                seen.inFlight = seen.held && pgCtlStartRunning
                seen.pidFiles = pidFiles
                kill(pid, signal)
                releaseStart()
                done.resume(returning: seen)
            }.start()
        }
    }

    /// `launch` without the cooperative pool: posix_spawn of the shell, reaped by pid on this
    /// thread, the run's pid read from a file. (Not Foundation's Process: the harness reaps
    /// children it does not know, and Process then never sees its shell end.)
    private func launchBlocking(_ arguments: [String]) -> Int32? {
        let words = ([PackagePaths.sslmatrix] + arguments).map(Command.shellQuote).joined(separator: " ")
        let pidFile = "\(tmp).pid"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let script = "\(words) > \(output) 2>&1 & echo $! > \(pidFile)"
        guard
            case .success(let shell) = ChildSpawn.spawn(
                "/bin/sh", argv: ["/bin/sh", "-c", script], environment: environment, actions: &actions, flags: 0)
        else { return nil }
        // The shell exits at once; another reaper may have taken it first (ECHILD).
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let r = waitpid(shell, &status, WNOHANG)
            if r == shell || (r == -1 && errno == ECHILD) { break }
            usleep(2_000)
        }
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `sslmatrix ARGS` to the end.
    func run(_ arguments: [String]) async throws -> CommandResult {
        try await Command.run(PackagePaths.sslmatrix, arguments, environment: environment, timeout: 300)
    }

    var printed: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds (polling every 5 ms), up to `seconds`.
    static func wait(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return condition()
    }

    /// A `pg_ctl start` of this workspace is running now (any process naming the
    /// workspace whose command line is pg_ctl start; a cheap scan, polled every few ms).
    var pgCtlStartRunning: Bool {
        ProcessTable.processIDs().contains { pid in
            guard let words = ProcessTable.commandLine(of: pid), words.count > 2,
                words.contains("start"), words.contains(where: { $0.hasSuffix("/pg_ctl") }),
                words.contains(where: { $0.hasPrefix(tmp + "/") })
            else { return false }
            return true
        }
    }

    /// Every data directory with a postmaster.pid in this workspace, and its pid file.
    var pidFiles: [Postmaster.PidFile] {
        guard let runs = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        return runs.filter { $0.hasPrefix("run-") }.flatMap { Workspace.dataDirectories(under: "\(base)/\($0)") }
            .compactMap { Postmaster.readPidFile(dataDirectory: $0) }
    }

    /// What is left: processes, run directories, lock files, shared memory segments.
    func leftovers(sharedMemoryOf pidFiles: [Postmaster.PidFile] = []) -> [String] {
        var left: [String] = ProcessTable.processes(under: tmp).map { "process \($0)" }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        // The template cache is kept on purpose (TemplateCache); no server ever runs in it.
        left += entries.filter { $0 != "ports" && $0 != "templates" }.map { "entry \($0)" }
        left += ((try? FileManager.default.contentsOfDirectory(atPath: base + "/ports")) ?? []).map { "lock \($0)" }
        left += pidFiles.filter(Postmaster.sharedMemoryExists).map { "shared memory of postmaster \($0.pid)" }
        return left
    }

    /// Waits for `pid` to end, then for the workspace to be empty; returns what is left.
    func settle(_ pid: Int32, sharedMemoryOf pidFiles: [Postmaster.PidFile] = []) async -> [String] {
        _ = await Self.wait(120) { !ProcessIdentity.isRunning(pid) }
        _ = await Self.wait(30) { leftovers(sharedMemoryOf: pidFiles).isEmpty }
        return leftovers(sharedMemoryOf: pidFiles)
    }

    func remove() {
        ProcessTable.stopProcesses(under: tmp)
        try? FileManager.default.removeItem(atPath: tmp)
        try? FileManager.default.removeItem(atPath: output)
        try? FileManager.default.removeItem(atPath: "\(tmp).pid")
    }
}

/// The tally the closing note reports: faults tried and survived.
enum FaultTally {
    static let counts = Mutex<(tried: Int, survived: Int)>((0, 0))
    static func record(_ survived: Bool) {
        let now = counts.withLock { c -> (Int, Int) in
            c.tried += 1
            if survived { c.survived += 1 }
            return (c.tried, c.survived)
        }
        print("faults so far: \(now.0) tried, \(now.1) survived")
    }
}
