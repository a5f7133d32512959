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
            abstract: "Start a cluster (TLS on, certificates generated); stop and remove it on Ctrl-C/SIGTERM.",
            discussion: """
                Like pg_virtualenv: prints the files and a psql verify-full connection string, then \
                "ready" (text) or one JSON object (--format json), each line written as soon as it is known. \
                The login role authenticates with the generated client certificate (--no-tls: trust on 127.0.0.1).
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }

        @OptionGroup var installation: InstallationOptions
        @Option(help: "Port on 127.0.0.1 (default: a free one).") var port: Int?
        @Option(help: "text: lines for a person; json: one line with host, port and paths once ready.")
        var format: Format = .text
        @Option(help: "The login role to create (its client certificate's CN).") var user = "tester"
        @Option(help: "The name in the server certificate, used as host= in the connection string.")
        var hostName = "localhost"
        @Flag(help: "Plain cluster: ssl=off, no certificates, trust on 127.0.0.1.") var noTLS = false

        func validate() throws {
            if let port, !(1...65535).contains(port) {
                throw ValidationError("--port \(port) is not a TCP port; give one in 1...65535, or omit --port")
            }
        }

        func run() async throws {
            do {
                let inst = try installation.installations()[0]
                let db = try await TLSCluster.start(
                    TLSClusterOptions(
                        hostName: hostName, user: user, authentication: noTLS ? .trust : .certificate, tls: !noTLS,
                        port: port, installation: inst))
                let psql = inst.tool("psql")
                let admin =
                    "host=\(db.cluster.socketDirectory) port=\(db.port) user=\(Cluster.adminUser) dbname=postgres"
                switch format {
                case .text:
                    Self.say("cluster \(db.cluster.name): \(inst)")
                    Self.say("data directory: \(db.cluster.dataDirectory)")
                    if let root = db.rootCertificate, let cert = db.clientCertificate, let key = db.clientKey {
                        Self.say("root certificate: \(root)")
                        Self.say("client certificate: \(cert) (CN=\(user))")
                        Self.say("client key: \(key)")
                    }
                    Self.say("connect: \(psql) '\(db.connectionString())'")
                    Self.say("admin (unix socket): \(psql) '\(admin)'")
                    Self.say("ready")
                case .json:
                    let line: [String: String?] = [
                        "event": "ready", "name": db.cluster.name, "server": inst.version, "host": db.host,
                        "hostaddr": db.hostaddr, "port": String(db.port), "user": db.user, "dbname": db.database,
                        "sslmode": db.connectionParameters().sslmode, "rootCertificate": db.rootCertificate,
                        "clientCertificate": db.clientCertificate, "clientKey": db.clientKey,
                        "dataDirectory": db.cluster.dataDirectory, "socketDirectory": db.cluster.socketDirectory,
                        "connectionString": db.connectionString(), "psql": psql,
                    ]
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    Self.say(String(decoding: try encoder.encode(line.compactMapValues { $0 }), as: UTF8.self))
                }
                while true { try await Task.sleep(nanoseconds: 3_600_000_000_000) }
            } catch let error as ClusterKitError {
                throw failClearly(error)
            }
        }

        /// One line straight to the file descriptor (write(2), no stdio buffer): a script
        /// reading a pipe sees each line when it is written, not when the process exits.
        static func say(_ line: String) {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    struct Reap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop servers and remove directories that killed runs left behind.")
        @OptionGroup var installation: AcceptedInstallationOptions

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
