import Foundation

/// Connects once through a given libpq and reads both views: the one implementation behind
/// the in-process probe and the client worker. Blocks the calling thread.
public enum ConnectionAttempt {
    /// The server's view of this backend, run on an accepted connection: what `pg_stat_ssl`
    /// joined with `pg_stat_activity` shows for it, read from the function behind both views
    /// for this one pid. Through the views, the new backend first loads and rewrites two view
    /// definitions and their catalogs: ~4 ms per accepted connection here against ~1.5 ms
    /// this way (pgbench -C, PostgreSQL 15), on every accepted case. The column names are the
    /// views'; the function's names have been the same since PostgreSQL 12.
    public static let serverViewSQL = """
        select s.ssl, s.sslversion as version, s.sslcipher as cipher, s.sslbits as bits, \
        s.ssl_client_dn as client_dn, s.ssl_client_serial as client_serial, s.ssl_issuer_dn as issuer_dn, \
        pg_get_userbyid(s.usesysid) as usename, s.application_name, s.client_addr, s.client_port, \
        pg_backend_pid() as backend_pid, current_setting('cluster_name') as cluster_name, current_user, \
        session_user, exists (select 1 from pg_extension where extname = 'sslinfo') as has_sslinfo \
        from pg_stat_get_activity(pg_backend_pid()) s
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
