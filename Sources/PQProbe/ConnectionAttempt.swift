import Foundation

/// Connects once through a given libpq and reads both views: the one implementation behind
/// the in-process probe and the client worker. Blocks the calling thread.
public enum ConnectionAttempt {
    /// The server's view of this backend, run on an accepted connection.
    public static let serverViewSQL = """
        select s.ssl, s.version, s.cipher, s.bits, s.client_dn, s.client_serial, s.issuer_dn, \
        a.usename, a.application_name, a.client_addr, a.client_port, pg_backend_pid() as backend_pid, \
        current_setting('cluster_name') as cluster_name, current_user, session_user, \
        exists (select 1 from pg_extension where extname = 'sslinfo') as has_sslinfo \
        from pg_stat_ssl s join pg_stat_activity a using (pid) where pid = pg_backend_pid()
        """

    public static let sslinfoSQL = """
        select ssl_is_used() as is_used, ssl_version() as version, ssl_cipher() as cipher, \
        ssl_client_cert_present() as client_cert_present, ssl_client_serial() as client_serial, \
        ssl_client_dn() as client_dn, ssl_issuer_dn() as issuer_dn
        """

    public static func run(
        _ pairs: [(String, String)], timeout: Double, library: LibPQLibrary = .system
    ) -> ConnectionReport {
        let connection = PGConnection(connectPolling: pairs, timeout: timeout, traceProtocol: true, library: library)
        let poll = connection.pollReport
        let trace = ProtocolTrace(poll.protocolTrace ?? "")
        var report = ConnectionReport(
            status: connection.isConnected ? .accepted : .rejected, timedOut: poll.timedOut,
            localPorts: poll.localPorts, serverErrors: trace.errors, saslMechanism: trace.saslMechanism,
            usedPassword: connection.usedPassword)
        report.tlsSockets = poll.tlsSockets.sorted()
        guard connection.isConnected else {
            report.errorMessage = connection.errorMessage
            return report
        }
        report.tls = ConnectionReport.TLS(
            encrypted: connection.sslInUse, protocol: connection.sslAttribute("protocol"),
            cipher: connection.sslAttribute("cipher"),
            keyBits: connection.sslAttribute("key_bits").flatMap { Int($0) },
            library: connection.sslAttribute("library"))
        do {
            let view = try connection.execute(serverViewSQL)
            report.serverView = row(view)
            if view.value(0, "has_sslinfo") == "t" { report.sslinfo = row(try connection.execute(sslinfoSQL)) }
        } catch {
            report.queryError = "\(error)"
        }
        return report
    }

    static func row(_ result: PGConnection.QueryResult) -> [String: String] {
        guard let values = result.rows.first else { return [:] }
        var row: [String: String] = [:]
        for (column, value) in zip(result.columns, values) { row[column] = value }
        return row
    }
}
