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
    /// The libpq to connect through: this process's, or a client worker's.
    public var client: ProbeClient = .inProcess

    public init(clientDirectory: String, expectedCluster: String?, log: ServerLog?) {
        self.clientDirectory = clientDirectory
        self.expectedCluster = expectedCluster
        self.log = log
    }

    /// A probe for `cluster`: its client directory, its cluster_name, its log.
    public init(cluster: Cluster) {
        self.init(clientDirectory: cluster.workspace.clientDirectory, expectedCluster: cluster.name, log: cluster.log)
    }

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
        var libraries = client.libraries
        var driverDetail: DriverCaseDetail?
        switch client {
        case .inProcess where TerminalFreeProbe.needsNoTerminal(pairs):
            attempt = await TerminalFreeProbe.attempt(pairs, timeout: timeout)
        case .inProcess:
            do {
                attempt = try await BlockingWork.run { Probe.attempt(pairs, timeout: timeout) }
            } catch {
                attempt = Attempt(ports: [], tlsSockets: [], result: .notAttempted(reason: "\(error)"))
            }
        case .worker(let pool):
            do {
                let request = WorkerRequest(
                    id: parameters.applicationName, parameters: pairs,
                    environment: ConnectionParameters.libpqHomeDirectory.map { ["HOME": $0] } ?? [:],
                    timeoutSeconds: timeout)
                // The worker's own bound is per socket wait; allow/prefer make two attempts.
                let response = try await pool.connect(request, deadline: 2 * timeout + 5)
                if let mapped = response.libraries { libraries = mapped }
                driverDetail = response.driver
                guard var report = response.report else {
                    throw InstallationError.workerFailed(reason: response.error.map { "\($0)" } ?? "no report")
                }
                // A driver's TLS facts come from the server's pg_stat_ssl row, not its own claim.
                if pool.driver != nil, let view = report.serverView { report.tls = .init(serverView: view) }
                attempt = Attempt(report: report)
            } catch InstallationError.workerDied(let how, let stderr) where pool.driver != nil {
                // The driver took its process down with this case: a finding per case
                // (DriverConformance classes it), not a harness failure.
                let died = InstallationError.workerDied(how: how, stderr: stderr)
                attempt = Attempt(ports: [], tlsSockets: [], result: .notAttempted(reason: "\(died)"))
                driverDetail = DriverCaseDetail(
                    errorClass: DriverCaseDetail.processDied,
                    notes: ["the probe process \(how)"] + (stderr.isEmpty ? [] : [stderr]))
            } catch {
                attempt = Attempt(ports: [], tlsSockets: [], result: .notAttempted(reason: "\(error)"))
            }
        }
        let connected = clock.now
        var sockets: [Outcome.Socket] = []
        if let log, let mark, client.driver != nil, attempt.ports.isEmpty {
            // A driver that cannot name its sockets: every backend that logs after the mark
            // is this case's (the runner gives driver probes one connection at a time per cluster).
            sockets = await Probe.pairLogWindow(log: log, since: mark, limit: logWaitLimit, grace: unpairedGrace)
        } else if let log, let mark {
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
        var outcome = Outcome(
            parameters: parameters, expectedCluster: expectedCluster, result: result, sockets: sockets,
            connectMilliseconds: (connected - started).milliseconds,
            logWaitMilliseconds: (done - connected).milliseconds, clientLibraries: libraries)
        outcome.driver = driverDetail
        return outcome
    }

    struct Attempt: Sendable, Codable {
        let ports: [Int]
        /// Indexes into `ports` of the sockets that negotiated or tried TLS.
        var tlsSockets: Set<Int> = []
        let result: Outcome.Result
    }

    /// The blocking part: connect, read both views, disconnect (`ConnectionAttempt`, shared
    /// with the client worker). Runs on BlockingWork's queue or in TerminalFreeProbe's child.
    static func attempt(_ pairs: [(String, String)], timeout: Double) -> Attempt {
        Attempt(report: ConnectionAttempt.run(pairs, timeout: timeout))
    }
}

extension Probe.Attempt {
    init(report: ConnectionReport) {
        self.init(ports: report.localPorts, tlsSockets: Set(report.tlsSockets), result: Outcome.Result(report: report))
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
