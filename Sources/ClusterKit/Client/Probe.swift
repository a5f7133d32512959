import Foundation

/// Connects once with exactly the given parameters and reports what both ends saw.
///
/// - Hermetic: `ClientEnvironment.makeHermetic()` runs before the first connection, every
///   file keyword is explicit (`ConnectionParameters`), and a `.libpqDefault` file that
///   exists on this machine makes the probe refuse (`.notAttempted`) instead of reading it.
/// - Concurrent: the blocking libpq work runs on `BlockingWork`'s GCD queue, the log wait is
///   an async sleep; many probes can run against one cluster at once.
/// - Paired: every socket libpq opens is known by its local port, and the server log lines
///   whose `{127.0.0.1(PORT)}` prefix carries that port are this probe's. The server writes
///   some lines after the client has given up (a TLS alert from a client that rejected the
///   server's certificate is logged when the backend reads it), so the probe waits until the
///   backend process behind each socket has exited, bounded by `logWaitLimit`; a backend is
///   gone only after its last line is written. A socket that has no log line at all after
///   `unpairedGrace` (nothing listened, or no backend was started) is not waited for longer.
///   Measured (PG 15, 2 shared cores under load): the wait after a rejection has a median
///   of ~5 ms (the backend's exit), well under the 2 s bound; a fixed 50 ms sleep would be
///   both slower and not a guarantee.
/// - SQLSTATE of a failed connection: libpq 15 has no API for it (PQresultErrorField needs a
///   PGresult, and none is returned for a failed connect). The probe reads it from libpq's
///   protocol trace when the ErrorResponse was traced (after AuthenticationOk, e.g.
///   `role "x" does not exist`, 28000); pg_hba.conf and password failures are not traced
///   and have no SQLSTATE (`FailedAttempt.sqlstate == nil`), stated, not guessed.
public struct Probe: Sendable {
    public let clientDirectory: String
    /// The `cluster_name` the server must report; an outcome from another server is flagged.
    public let expectedCluster: String?
    public let log: ServerLog?
    public var logWaitLimit: Duration = .seconds(2)
    public var unpairedGrace: Duration = .milliseconds(100)

    public init(clientDirectory: String, expectedCluster: String?, log: ServerLog?) {
        self.clientDirectory = clientDirectory
        self.expectedCluster = expectedCluster
        self.log = log
    }

    /// A probe for `cluster`: its client directory, its cluster_name, its log.
    public init(cluster: Cluster) {
        self.init(clientDirectory: cluster.workspace.clientDirectory, expectedCluster: cluster.name, log: cluster.log)
    }

    /// The statement run on an accepted connection: the server's view of this backend.
    static let serverViewSQL = """
        select s.ssl, s.version, s.cipher, s.bits, s.client_dn, s.client_serial, s.issuer_dn, \
        a.usename, a.application_name, a.client_addr, a.client_port, pg_backend_pid() as backend_pid, \
        current_setting('cluster_name') as cluster_name, current_user, session_user, \
        exists (select 1 from pg_extension where extname = 'sslinfo') as has_sslinfo \
        from pg_stat_ssl s join pg_stat_activity a using (pid) where pid = pg_backend_pid()
        """

    static let sslinfoSQL = """
        select ssl_is_used(), ssl_version(), ssl_cipher(), ssl_client_cert_present(), \
        ssl_client_serial(), ssl_client_dn(), ssl_issuer_dn()
        """

    public func connect(_ parameters: ConnectionParameters) async -> Outcome {
        ClientEnvironment.makeHermetic()
        let existing = parameters.existingDefaultFiles(clientDirectory: clientDirectory)
        guard existing.isEmpty else {
            return Outcome(
                parameters: parameters, expectedCluster: expectedCluster,
                result: .notAttempted(
                    reason: "libpq's default file \(existing.joined(separator: ", ")) exists on this "
                        + "machine, so the result would depend on it, not on the scenario; move it away or name the file explicitly"
                ),
                sockets: [], connectMilliseconds: 0, logWaitMilliseconds: 0)
        }
        let mark = log?.mark()
        let pairs = parameters.keywordValues(clientDirectory: clientDirectory)
        let timeout = Double(max(parameters.connectTimeout, 1))
        let clock = ContinuousClock()
        let started = clock.now
        let attempt: Attempt
        if TerminalFreeProbe.needsNoTerminal(pairs) {
            attempt = await TerminalFreeProbe.attempt(pairs, timeout: timeout)
        } else {
            do {
                attempt = try await BlockingWork.run { Probe.attempt(pairs, timeout: timeout) }
            } catch {
                attempt = Attempt(ports: [], tlsSockets: [], result: .notAttempted(reason: "\(error)"))
            }
        }
        let connected = clock.now
        var sockets: [Outcome.Socket] = []
        if let log, let mark {
            sockets = await Probe.pairLogLines(
                ports: attempt.ports,
                tls: attempt.ports.indices.map { attempt.tlsSockets.contains($0) },
                log: log, since: mark, limit: logWaitLimit, grace: unpairedGrace)
        } else {
            sockets = attempt.ports.enumerated().map {
                Outcome.Socket(
                    localPort: $1, serverPID: nil, serverLog: [], logComplete: false,
                    tls: attempt.tlsSockets.contains($0))
            }
        }
        let done = clock.now
        var result = attempt.result
        if case .accepted(let session) = result {
            result = .accepted(session.withAuthenticationLog(sockets.last?.serverLog ?? []))
        }
        return Outcome(
            parameters: parameters, expectedCluster: expectedCluster, result: result, sockets: sockets,
            connectMilliseconds: (connected - started).milliseconds,
            logWaitMilliseconds: (done - connected).milliseconds)
    }

    struct Attempt: Sendable, Codable {
        let ports: [Int]
        /// Indexes into `ports` of the sockets that negotiated or tried TLS.
        var tlsSockets: Set<Int> = []
        let result: Outcome.Result
    }

    /// The blocking part: connect, read both views, disconnect. Runs on BlockingWork's queue.
    static func attempt(_ pairs: [(String, String)], timeout: Double) -> Attempt {
        let connection = PGConnection(connectPolling: pairs, timeout: timeout, traceProtocol: true)
        let report = connection.pollReport
        let trace = ProtocolTrace(report.protocolTrace ?? "")
        guard connection.isConnected else {
            let message = connection.errorMessage
            let attempts = ConnectionErrorText.split(message, serverErrors: trace.errors)
            return Attempt(
                ports: report.localPorts, tlsSockets: report.tlsSockets,
                result: .rejected(
                    Outcome.Rejection(
                        errorMessage: message, attempts: attempts, timedOut: report.timedOut)))
        }
        let client = Outcome.ClientTLS(
            encrypted: connection.sslInUse,
            protocol: connection.sslAttribute("protocol"),
            cipher: connection.sslAttribute("cipher"),
            keyBits: connection.sslAttribute("key_bits").flatMap { Int($0) },
            library: connection.sslAttribute("library"))
        let authentication = Outcome.Authentication(
            method: nil, identity: nil, saslMechanism: trace.saslMechanism, usedPassword: connection.usedPassword)
        var server = Outcome.ServerView(
            ssl: false, version: nil, cipher: nil, bits: nil, clientDN: nil, clientSerial: nil, issuerDN: nil,
            user: nil, applicationName: nil, clientAddress: nil, clientPort: nil, clusterName: nil, backendPID: nil)
        var currentUser = "", sessionUser = ""
        var sslinfo: Outcome.SSLInfo? = nil
        var queryError: String? = nil
        do {
            let row = try connection.execute(serverViewSQL)
            func v(_ c: String) -> String? { row.value(0, c) }
            server = Outcome.ServerView(
                ssl: v("ssl") == "t", version: v("version"), cipher: v("cipher"), bits: v("bits").flatMap { Int($0) },
                clientDN: v("client_dn"), clientSerial: v("client_serial"), issuerDN: v("issuer_dn"),
                user: v("usename"), applicationName: v("application_name"), clientAddress: v("client_addr"),
                clientPort: v("client_port").flatMap { Int($0) }, clusterName: v("cluster_name"),
                backendPID: v("backend_pid").flatMap { Int($0) })
            currentUser = v("current_user") ?? ""
            sessionUser = v("session_user") ?? ""
            if v("has_sslinfo") == "t" {
                let info = try connection.execute(sslinfoSQL)
                let r = info.rows.first ?? []
                func s(_ i: Int) -> String? { i < r.count ? r[i] : nil }
                sslinfo = Outcome.SSLInfo(
                    isUsed: s(0) == "t", version: s(1), cipher: s(2), clientCertPresent: s(3) == "t",
                    clientSerial: s(4), clientDN: s(5), issuerDN: s(6))
            }
        } catch {
            queryError = "\(error)"
        }
        return Attempt(
            ports: report.localPorts, tlsSockets: report.tlsSockets,
            result: .accepted(
                Outcome.Session(
                    client: client, server: server, sslinfo: sslinfo, currentUser: currentUser,
                    sessionUser: sessionUser,
                    authentication: authentication, queryError: queryError)))
    }
}

extension Outcome.Session {
    /// The session with the method and identity from the server's
    /// `connection authenticated: identity="alice" method=scram-sha-256 (...)` line.
    func withAuthenticationLog(_ lines: [Outcome.LogLine]) -> Outcome.Session {
        let prefix = "connection authenticated: identity=\""
        guard let line = lines.first(where: { $0.message.hasPrefix(prefix) }) else { return self }
        let rest = line.message.dropFirst(prefix.count)
        let identity = rest.range(of: "\" method=").map { String(rest[..<$0.lowerBound]) }
        let method = rest.range(of: "\" method=").map { rest[$0.upperBound...].prefix { $0 != " " } }.map(String.init)
        let a = authentication
        return Outcome.Session(
            client: client, server: server, sslinfo: sslinfo, currentUser: currentUser, sessionUser: sessionUser,
            authentication: Outcome.Authentication(
                method: method, identity: identity, saslMechanism: a.saslMechanism, usedPassword: a.usedPassword),
            queryError: queryError)
    }
}

extension Duration {
    var milliseconds: Double {
        let c = components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}
