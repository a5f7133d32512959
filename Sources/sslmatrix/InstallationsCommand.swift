import ArgumentParser
import ClusterKit
import Foundation

/// `sslmatrix installations`: every server and client build found, with what each really
/// maps: the server's OpenSSL from a started postmaster's /proc maps, the client's libpq,
/// libssl and libcrypto from a client worker's /proc/self/maps (or this process's).
struct InstallationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "installations",
        abstract: "List the PostgreSQL servers and libpq clients found, and the OpenSSL each really maps.")

    @Option(name: .customLong("pg-bindir"), help: "Also list this bindir (repeatable).") var bindirs: [String] = []
    @Option(help: "Output: text or json.") var format: Format = .text

    enum Format: String, ExpressibleByArgument { case text, json }

    struct Listing: Codable {
        var servers: [Server]
        var clients: [Client]
        var serverLibraries: [ServerLibraryEntry] = []
    }

    /// A `--server-library-path` directory and the OpenSSL it offers (the version text in
    /// its libcrypto; what a server really maps is checked when it runs).
    struct ServerLibraryEntry: Codable {
        var name: String
        var directory: String
        var source: String
        var libssl: String?
        var libcrypto: String?
        var openssl: String?
    }

    struct Server: Codable {
        var name: String
        var major: Int
        var version: String
        var bindir: String
        var source: String
        var libraryPath: String?
        var ownLibpq: String?
        /// From the started postmaster's memory map.
        var openssl: VersionInfo.ServerOpenSSL?
        var error: String?
    }

    struct Client: Codable {
        var name: String
        var source: String
        var inProcess: Bool
        var libraries: ClientLibraries?
        var error: String?
    }

    func run() async throws {
        do {
            let catalog = try InstallationCatalog.discover(extraBindirs: bindirs)
            var servers: [Server] = []
            for server in catalog.servers {
                var entry = Server(
                    name: InstallationCatalog.buildName(of: server) ?? "debian-\(server.major)", major: server.major,
                    version: server.version, bindir: server.bindir, source: catalog.sources[server.bindir] ?? "?",
                    libraryPath: server.libraryPath, ownLibpq: server.ownLibpq)
                do {
                    let cluster = try await Cluster.create(installation: server)
                    do {
                        try await cluster.start()
                        entry.openssl = await VersionInfo.serverOpenSSL(dataDirectory: cluster.dataDirectory)
                    } catch {
                        entry.error = "\(error)"
                    }
                    await cluster.destroy()
                } catch {
                    entry.error = "\(error)"
                }
                servers.append(entry)
            }
            var clients: [Client] = []
            for client in catalog.clients {
                var entry = Client(name: client.name, source: client.source, inProcess: client.isSystem)
                do {
                    let probeClient = try await client.makeClient()
                    entry.libraries = probeClient.libraries
                    await probeClient.shutdown()
                } catch {
                    entry.error = "\(error)"
                }
                clients.append(entry)
            }
            let libraries = catalog.serverLibraries.map { library in
                let files = library.openSSLFiles
                return ServerLibraryEntry(
                    name: library.name, directory: library.directory, source: library.source, libssl: files.libssl,
                    libcrypto: files.libcrypto, openssl: files.libcrypto.flatMap(VersionInfo.versionText(inLibrary:)))
            }
            let listing = Listing(servers: servers, clients: clients, serverLibraries: libraries)
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try emit(String(decoding: encoder.encode(listing), as: UTF8.self) + "\n", to: nil)
            case .text:
                try emit(Self.text(listing), to: nil)
            }
        } catch let error as ClusterKitError {
            throw failClearly(error)
        } catch let error as InstallationError {
            throw failClearly(error)
        }
    }

    static func text(_ listing: Listing) -> String {
        var lines = ["servers (--server MAJOR|NAME|BINDIR):"]
        for s in listing.servers {
            lines.append("  \(s.name)  PostgreSQL \(s.version)  \(s.bindir)")
            lines.append("      from: \(s.source)")
            if let o = s.openssl {
                lines.append("      OpenSSL: \(o.version ?? "?") (\(o.libssl ?? "?"))")
            }
            if let e = s.error { lines.append("      error: \(e)") }
        }
        lines.append("clients (--client MAJOR|NAME|LIBDIR):")
        for c in listing.clients {
            if let l = c.libraries {
                lines.append(
                    "  \(c.name)  libpq \(l.libpqVersionText)  \(l.opensslShort ?? "no OpenSSL")\(c.inProcess ? "  (in-process)" : "  (client worker)")"
                )
                lines.append("      libpq \(l.libpq.joined(separator: ", "))")
                lines.append(
                    "      libssl \(l.libssl.joined(separator: ", ")); libcrypto \(l.libcrypto.joined(separator: ", "))"
                )
            } else {
                lines.append("  \(c.name)")
            }
            lines.append("      from: \(c.source)")
            if let e = c.error { lines.append("      error: \(e)") }
        }
        lines.append(
            "server library paths (--server-library-path NAME|DIR: a server started with DIR first on LD_LIBRARY_PATH,")
        lines.append(
            "  e.g. --server 16 --server-library-path openssl-3.5 = PostgreSQL 16 on OpenSSL 3.5; the run fails")
        lines.append("  if the server maps another OpenSSL):")
        if listing.serverLibraries.isEmpty {
            lines.append("  none (scripts/setup --clients psycopg makes openssl-3.5)")
        }
        for l in listing.serverLibraries {
            lines.append("  \(l.name)  \(l.openssl ?? "no OpenSSL version found")  \(l.directory)")
            lines.append("      libssl \(l.libssl ?? "none"); libcrypto \(l.libcrypto ?? "none")")
            lines.append("      from: \(l.source)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
