import ClusterKit
import Foundation

/// Cluster set-up costs, and readiness against the usual temp-cluster tools, measured in
/// the same invocation so the ratios compare like with like on this machine.
struct ClusterBenchmark {
    let installation: Installation
    let runs: Int
    /// Writes server TLS material into a cluster and returns the settings that enable it.
    let tls: @Sendable (Cluster) async throws -> ServerSettings
    /// Connects over TCP with sslmode=require; true when the server accepted TLS.
    let tlsAccepts: @Sendable (Cluster) async throws -> Bool
    /// The login roles the TLS connection needs: baked into our template once per run, run
    /// as SQL after start on the initdb + pg_ctl path (what a script does).
    let rolesSQL: String

    struct Result: Codable, Sendable {
        var initdb = Samples()
        var templateCopy = Samples()
        var start = Samples()
        var reload = Samples()
        var stop = Samples()
        var readinessOurs = Samples()
        var readinessBare = Samples()
        var readinessPgVirtualenv = Samples()
    }

    func run(progress: (String) -> Void) async throws -> Result {
        var result = Result()
        let ws = try Workspace.shared()
        // Warm the templates (that one initdb is measured separately below).
        try await Cluster.with(installation: installation) { _ in }
        await (try Cluster.create(installation: installation, prepared: [rolesSQL])).destroy()
        for i in 0..<runs {
            progress("cluster run \(i + 1)/\(runs)")
            // initdb alone, the cost the template saves per cluster.
            let dir = "\(ws.runDirectory)/bench-initdb-\(i)"
            try SecureFiles.makeDirectory(dir, mode: 0o700, owner: ws.account)
            result.initdb.add(
                try await Stopwatch.time {
                    try await Command.check(
                        installation.tool("initdb"),
                        [
                            "-D", dir + "/data", "-U", "postgres", "--auth=trust",
                            "--no-sync", "--encoding=UTF8", "--locale=C",
                        ], as: ws.account)
                })
            SecureFiles.remove(dir)

            // Ours: template copy + start + the first TLS connection accepted.
            var cluster: Cluster!
            let t0 = Stopwatch.now()
            cluster = try await Cluster.create(installation: installation, prepared: [rolesSQL])
            result.templateCopy.add(Stopwatch.ms(since: t0))
            try cluster.configure(try await tls(cluster))
            let s0 = Stopwatch.now()
            try await cluster.start()
            result.start.add(Stopwatch.ms(since: s0))
            guard try await tlsAccepts(cluster) else { throw BenchError.tlsNotAccepted("ours") }
            result.readinessOurs.add(Stopwatch.ms(since: t0))
            try cluster.appendConf(ServerSettings([("work_mem", .raw("\(8 + i)MB"))]))
            result.reload.add(try await Stopwatch.time { try await cluster.reload() })
            result.stop.add(await Stopwatch.time { await cluster.stop() })
            await cluster.destroy()

            // Bare: initdb + pg_ctl start -w, then the same TLS check.
            result.readinessBare.add(try await bareReadiness(ws: ws, index: i))

            // Debian's pg_virtualenv: creates, starts, runs `true`, drops.
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/pg_virtualenv") {
                result.readinessPgVirtualenv.add(
                    try await Stopwatch.time {
                        try await Command.check(
                            "/usr/bin/pg_virtualenv", ["-v", String(installation.major), "true"],
                            environment: Command.cleanEnvironment(adding: ["HOME": "/root"]))
                    })
            }
        }
        return result
    }

    /// initdb + our settings + pg_ctl start: what a script without a template would do.
    private func bareReadiness(ws: Workspace, index: Int) async throws -> Double {
        let t0 = Stopwatch.now()
        let cluster = try await Cluster.create(installation: installation)
        SecureFiles.remove(cluster.dataDirectory)
        try await Command.check(
            installation.tool("initdb"),
            [
                "-D", cluster.dataDirectory, "-U", "postgres", "--auth=trust",
                "--no-sync", "--encoding=UTF8", "--locale=C",
            ], as: ws.account)
        try "include 'pg-ssl-matrix.conf'\n".appendingToFile(cluster.dataDirectory + "/postgresql.conf")
        try cluster.configure(try await tls(cluster))
        try await cluster.start(method: .pgCtl)
        try await cluster.query(rolesSQL)
        guard try await tlsAccepts(cluster) else { throw BenchError.tlsNotAccepted("bare") }
        let elapsed = Stopwatch.ms(since: t0)
        await cluster.destroy()
        return elapsed
    }
}

enum BenchError: Error, CustomStringConvertible {
    case tlsNotAccepted(String)
    case tool(String)
    var description: String {
        switch self {
        case .tlsNotAccepted(let what):
            "the \(what) server did not accept a TLS connection; the benchmark measures nothing useful"
        case .tool(let text): text
        }
    }
}

extension String {
    func appendingToFile(_ path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(self.utf8))
    }
}
