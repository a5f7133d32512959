import CLibPQ
import Foundation
@_exported import PQProbe

/// Which libpq a probe connects through.
///
/// `.inProcess` is the fast path: the system libpq this process links (and whose OpenSSL
/// the PKI code shares). Any other libpq build runs in a `pgssl-client-worker` process
/// (`.worker`), because two OpenSSLs in one process bind each other's symbols. Both paths
/// run `ConnectionAttempt` and give the same `Outcome`.
public enum ProbeClient: Sendable {
    case inProcess
    case worker(ClientWorkerPool)

    /// The libraries every case of this client uses. For a driver probe (no libpq of its
    /// own): this process's libpq, whose model is the driver's reference.
    public var libraries: ClientLibraries {
        switch self {
        case .inProcess: ProbeClient.inProcessLibraries
        case .worker(let pool): pool.driver == nil ? pool.libraries : ProbeClient.inProcessLibraries
        }
    }

    /// The driver a driver probe speaks for (nil: libpq).
    public var driver: DriverIdentity? {
        if case .worker(let pool) = self { return pool.driver }
        return nil
    }

    /// What this process maps for the linked libpq (read once: it cannot change).
    static let inProcessLibraries: ClientLibraries = {
        // The linked libpq and the one LibPQLibrary.system opens must be the same copy.
        precondition(Int(PQlibVersion()) == LibPQLibrary.system.version, "two system libpqs in one process")
        return ClientLibraries.current(using: .system)
    }()
}

extension Outcome.Result {
    /// The outcome of a `ConnectionReport`, whichever client produced it.
    public init(report: ConnectionReport) {
        switch report.status {
        case .rejected:
            let message = report.errorMessage ?? ""
            self = .rejected(
                Outcome.Rejection(
                    errorMessage: message,
                    attempts: ConnectionErrorText.split(message, serverErrors: report.serverErrors),
                    timedOut: report.timedOut))
        case .accepted:
            // A driver that does not expose its TLS state: the server's pg_stat_ssl row says.
            let tls = report.tls ?? report.serverView.map(ConnectionReport.TLS.init(serverView:))
            let client = Outcome.ClientTLS(
                encrypted: tls?.encrypted ?? false, protocol: tls?.protocol, cipher: tls?.cipher,
                keyBits: tls?.keyBits, library: tls?.library)
            let v = report.serverView ?? [:]
            let server = Outcome.ServerView(
                ssl: v["ssl"] == "t", version: v["version"], cipher: v["cipher"], bits: v["bits"].flatMap { Int($0) },
                clientDN: v["client_dn"], clientSerial: v["client_serial"], issuerDN: v["issuer_dn"],
                user: v["usename"], applicationName: v["application_name"], clientAddress: v["client_addr"],
                clientPort: v["client_port"].flatMap { Int($0) }, clusterName: v["cluster_name"],
                backendPID: v["backend_pid"].flatMap { Int($0) })
            let sslinfo = report.sslinfo.map { r in
                Outcome.SSLInfo(
                    isUsed: r["is_used"] == "t", version: r["version"], cipher: r["cipher"],
                    clientCertPresent: r["client_cert_present"] == "t", clientSerial: r["client_serial"],
                    clientDN: r["client_dn"], issuerDN: r["issuer_dn"])
            }
            self = .accepted(
                Outcome.Session(
                    client: client, server: server, sslinfo: sslinfo, currentUser: v["current_user"] ?? "",
                    sessionUser: v["session_user"] ?? "",
                    authentication: Outcome.Authentication(
                        method: nil, identity: nil, saslMechanism: report.saslMechanism,
                        usedPassword: report.usedPassword),
                    queryError: report.queryError))
        }
    }
}

extension ProbeClient {
    /// Stops a worker pool's processes (nothing to do in-process).
    public func shutdown() async {
        if case .worker(let pool) = self { await pool.shutdown() }
    }

    /// "in-process" or "worker (libpq path)".
    public var label: String {
        switch self {
        case .inProcess: "in-process"
        case .worker(let pool): pool.driver.map { "driver probe \($0)" } ?? "worker \(pool.libpq)"
        }
    }
}

extension ConnectionReport.TLS {
    /// The TLS facts of the server's pg_stat_ssl row (`ConnectionAttempt.serverViewSQL`).
    init(serverView v: [String: String]) {
        self.init(
            encrypted: v["ssl"] == "t", protocol: v["version"], cipher: v["cipher"],
            keyBits: v["bits"].flatMap { Int($0) },
            library: nil)
    }
}
