import ClusterKit
import Foundation
import Testing

@Suite("Cluster lifecycle on a real server", .tags(.liveServer))
struct ClusterLifecycleTests {
    @Test("create, start, query, reload, restart, stop; the server runs as the unprivileged account")
    func lifecycle() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            #expect(cluster.isRunning)
            #expect(try await cluster.queryValue("SELECT 1") == "1")
            #expect(try await cluster.queryValue("SHOW cluster_name") == cluster.name)
            #expect(try await cluster.queryValue("SHOW port") == String(cluster.port))

            // The postmaster must not run as root: initdb and postgres refuse it, and CI is root.
            let pid = try postmasterPID(cluster)
            var st = stat()
            #expect(stat("/proc/\(pid)", &st) == 0)
            #expect(st.st_uid == cluster.workspace.account.uid)
            #expect(st.st_uid != 0)

            // Private directories: 0700 and owned by the server account.
            for dir in [cluster.directory, cluster.dataDirectory, cluster.socketDirectory, cluster.filesDirectory] {
                var ds = stat()
                #expect(stat(dir, &ds) == 0)
                #expect(ds.st_mode & 0o777 == 0o700, "\(dir) mode")
                #expect(ds.st_uid == cluster.workspace.account.uid, "\(dir) owner")
            }

            try cluster.appendConf(ServerSettings([("work_mem", .raw("7MB"))]))
            try await cluster.reload()
            #expect(try await cluster.queryValue("SHOW work_mem") == "7MB")

            try cluster.appendConf(ServerSettings([("shared_buffers", .raw("24MB"))]))
            let report = try await cluster.reload()
            #expect(report.pendingRestart.contains { $0.contains("shared_buffers") })
            try await cluster.restart()
            #expect(try await cluster.queryValue("SHOW shared_buffers") == "24MB")

            let restartedPID = try postmasterPID(cluster)
            #expect(restartedPID != pid)
            #expect(!ProcessIdentity.isRunning(pid), "the old postmaster \(pid) survived the restart")
            let mark = cluster.log.mark()
            await cluster.stop()
            #expect(!cluster.isRunning)
            #expect(!ProcessIdentity.isRunning(restartedPID), "postmaster \(restartedPID) still alive after stop")
            #expect(cluster.log.contains("database system is shut down", since: mark))
        }
    }

    @Test("the server's NOTICE and WARNING stay with the connection, never printed by libpq")
    func notices() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            let parameters = cluster.adminParameters()
            let notices = try await BlockingWork.run {
                let connection = PGConnection(parameters: parameters)
                _ = try connection.execute("CREATE EXTENSION IF NOT EXISTS plpgsql")
                _ = try connection.execute("DO $$ BEGIN RAISE WARNING 'sslmatrix-warning'; END $$")
                return connection.notices
            }
            #expect(notices.count == 2, "\(notices)")
            #expect(notices.first?.hasPrefix("NOTICE:") == true && notices.first?.contains("plpgsql") == true)
            #expect(notices.last == "WARNING:  sslmatrix-warning", "\(notices)")
        }
    }
}

func postmasterPID(_ cluster: Cluster) throws -> Int32 {
    try #require(
        try String(contentsOfFile: cluster.dataDirectory + "/postmaster.pid", encoding: .utf8)
            .split(separator: "\n").first.flatMap { Int32($0) })
}

extension Tag {
    @Tag static var liveServer: Self
}
