import ArgumentParser
import ClusterKit
import Foundation

/// `sslmatrix cluster up`: a throwaway cluster to poke at by hand (and the process the
/// kill -9 test kills). Prints where it lives and how to connect; stops on Ctrl-C.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Start a throwaway cluster and keep it until interrupted.",
        subcommands: [Up.self, Reap.self]
    )

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a cluster; stop and remove it on Ctrl-C/SIGTERM.")
        @OptionGroup var installation: InstallationOptions
        @Option(help: "Port on 127.0.0.1 (default: a free one).") var port: Int?

        func validate() throws {
            if let port, !(1...65535).contains(port) {
                throw ValidationError("--port \(port) is not a TCP port; give one in 1...65535, or omit --port")
            }
        }

        func run() async throws {
            do {
                let inst = try installation.installations()[0]
                let cluster = try await Cluster.create(installation: inst, port: port)
                try await cluster.start()
                let text = """
                    cluster \(cluster.name): \(inst)
                    data directory: \(cluster.dataDirectory)
                    connect: psql 'host=\(cluster.socketDirectory) port=\(cluster.port) user=\(Cluster.adminUser) dbname=postgres'
                    ready

                    """
                FileHandle.standardOutput.write(Data(text.utf8))
                while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
            } catch let error as ClusterKitError {
                throw failClearly(error)
            }
        }
    }

    struct Reap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop servers and remove directories that killed runs left behind.")
        func run() async throws {
            let ws: Workspace
            do {
                ws = try Workspace.shared()
            } catch {
                throw failClearly(error)
            }
            if ws.reapedAtStart.isEmpty {
                print("nothing to reap in \(ws.base)")
            } else {
                ws.reapedAtStart.forEach { print("reaped \($0)") }
            }
        }
    }
}
