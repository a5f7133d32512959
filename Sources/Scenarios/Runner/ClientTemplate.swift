import ClusterKit
import Foundation

/// Client parameters that name PKI files instead of paths; resolved per cluster.
public struct ClientTemplate: Sendable, Hashable, Codable {
    public enum FileRef: Sendable, Hashable, Codable {
        /// A file the group's PKI writes (`OutputFileSpec.name`).
        case pki(String)
        /// Explicitly none: a path that does not exist.
        case none
        /// Not given, so libpq's `~/.postgresql/...` default is meant.
        case libpqDefault
        /// This exact value, e.g. `sslrootcert=system` (libpq 16+: the system's trusted roots;
        /// older libpq: a file named `system` in the working directory).
        case literal(String)
        /// This relative name, which must not exist in the probe's working directory, so
        /// libpq names it in its message as a user's `sslrootcert=invalid` would be named.
        case nonexistent(String)
    }

    public enum Transport: String, Sendable, Hashable, Codable {
        case tcp
        case unixSocket = "unix-socket"
    }

    public var transport: Transport
    /// The name libpq verifies (`host=`).
    public var host: String
    /// The address libpq connects to: 127.0.0.1, where the server listens; nil leaves
    /// `hostaddr` out, so libpq resolves `host` itself (and its error prefix changes).
    public var hostaddr: String? = "127.0.0.1"
    /// Keywords a scenario file passed with `raw:` (unchecked, so libpq validates them).
    public var rawKeywords: [String] = []
    public var dbname: String
    public var user: String
    public var password: String?
    public var sslmode: String
    public var sslrootcert: FileRef
    public var sslcert: FileRef
    public var sslkey: FileRef
    public var sslpassword: String?
    public var sslcrl: FileRef
    public var sslcrldir: FileRef
    public var sslMinProtocolVersion: String
    public var sslMaxProtocolVersion: String?
    public var channelBinding: String
    /// Keywords only newer libpq releases know (passed only when set).
    public var newer = NewerClientOptions()

    public init(
        transport: Transport = .tcp, host: String = "127.0.0.1", dbname: String = "postgres", user: String,
        password: String? = nil, sslmode: String, sslrootcert: FileRef = .none, sslcert: FileRef = .none,
        sslkey: FileRef = .none, sslpassword: String? = nil, sslcrl: FileRef = .none, sslcrldir: FileRef = .none,
        sslMinProtocolVersion: String = "TLSv1.2", sslMaxProtocolVersion: String? = nil,
        channelBinding: String = "prefer"
    ) {
        self.transport = transport
        self.host = host
        self.dbname = dbname
        self.user = user
        self.password = password
        self.sslmode = sslmode
        self.sslrootcert = sslrootcert
        self.sslcert = sslcert
        self.sslkey = sslkey
        self.sslpassword = sslpassword
        self.sslcrl = sslcrl
        self.sslcrldir = sslcrldir
        self.sslMinProtocolVersion = sslMinProtocolVersion
        self.sslMaxProtocolVersion = sslMaxProtocolVersion
        self.channelBinding = channelBinding
    }

    /// Concrete parameters for a running cluster and the material written for it.
    public func parameters(
        cluster: Cluster, material: PKIMaterial, applicationName: String
    ) throws -> ConnectionParameters {
        func file(_ ref: FileRef) throws -> ConnectionParameters.File {
            switch ref {
            case .pki(let name): return .path(try material.path(name))
            case .none: return .none
            case .libpqDefault: return .libpqDefault
            case .literal(let value): return .path(value)
            case .nonexistent(let name):
                if FileManager.default.fileExists(atPath: name) {
                    throw ClientTemplateError.nonexistentFileExists(
                        name: name, directory: FileManager.default.currentDirectoryPath)
                }
                return .path(name)
            }
        }
        let tcp = transport == .tcp
        return ConnectionParameters(
            host: tcp ? host : cluster.socketDirectory, hostaddr: tcp ? hostaddr : nil, port: cluster.port,
            dbname: dbname, user: user, password: password, sslmode: sslmode,
            sslrootcert: try file(sslrootcert), sslcert: try file(sslcert), sslkey: try file(sslkey),
            sslpassword: sslpassword, sslcrl: try file(sslcrl), sslcrldir: try file(sslcrldir),
            sslMinProtocolVersion: sslMinProtocolVersion, sslMaxProtocolVersion: sslMaxProtocolVersion,
            channelBinding: channelBinding, applicationName: applicationName, newer: newer)
    }
}

/// A client file the scenario says must not exist does exist here.
public enum ClientTemplateError: Error, CustomStringConvertible {
    case nonexistentFileExists(name: String, directory: String)
    public var description: String {
        switch self {
        case .nonexistentFileExists(let name, let directory):
            "'\(name)' is meant not to exist but is in \(directory); run from another directory or remove it"
        }
    }
}
