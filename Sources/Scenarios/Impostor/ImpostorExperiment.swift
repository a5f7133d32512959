import ClusterKit
import Foundation

/// The impostor: something else answers at the address the client was told is the
/// database. The client has the real root CA and connects with
/// `host=db.example.test hostaddr=127.0.0.1 port=<impostor>`.
public struct ImpostorExperiment: Sendable {
    public var user = "alice"
    public var database = "appdb"
    public var password = "s3cret-do-not-leak"
    public var cases = ImpostorCase.standard

    public init() {}

    /// libpq keywords for one case, every one that matters explicit (nothing read from the
    /// environment or ~/.postgresql: no client certificate, a root certificate only when the case says so).
    public func parameters(_ c: ImpostorCase, port: Int, pki: PKIMaterial, scratch: String) throws -> [(String, String)]
    {
        [
            ("host", ImpostorPKI.databaseHost), ("hostaddr", "127.0.0.1"), ("port", String(port)),
            ("user", user), ("dbname", database), ("password", password),
            ("sslmode", c.sslMode.rawValue), ("channel_binding", c.channelBinding.rawValue),
            ("sslrootcert", c.hasRootCert ? try pki.path(ImpostorPKI.rootCAFile) : scratch + "/no-such-root.crt"),
            ("sslcert", scratch + "/no-such-client.crt"), ("sslkey", scratch + "/no-such-client.key"),
            ("sslcrl", ""), ("sslcrldir", ""), ("gssencmode", "disable"), ("passfile", "/dev/null"),
            ("connect_timeout", "5"), ("application_name", "sslmatrix-victim"),
        ]
    }

    /// A fresh impostor endpoint for one case (its certificate variant and what it asks for),
    /// so the captures belong to that case's client only; the libpq and the driver runs share it.
    func startImpostor(for c: ImpostorCase, pki: PKIMaterial) throws -> ImpostorServer {
        try ImpostorServer.start(
            .init(
                certificateChainFile: try pki.path(ImpostorPKI.certificateFile(c.variant.certificate)),
                privateKeyFile: try pki.path(ImpostorPKI.keyFile(c.variant.certificate)),
                request: c.request, ioTimeout: .seconds(5), lifetime: .seconds(30)))
    }

    /// Runs one case against a fresh impostor endpoint (so captures belong to this client only).
    public func run(
        _ c: ImpostorCase, pki: PKIMaterial, scratch: String, versions: Versions
    ) async throws -> ImpostorRow {
        let impostor = try startImpostor(for: c, pki: pki)
        let params = try parameters(c, port: impostor.port, pki: pki, scratch: scratch)
        let start = ContinuousClock.now
        let outcome: (connected: Bool, message: String)
        do {
            outcome = try await BlockingWork.run {
                let connection = PGConnection(parameters: params)
                return (connection.isConnected, connection.errorMessage)
            }
        } catch {
            impostor.stop()
            throw error
        }
        let captures = impostor.stop()
        let elapsed = ContinuousClock.now - start
        let expected = ImpostorExpectation.predict(c, user: user, versions: versions)
        var problems: [String] = []
        if outcome.connected {
            problems.append("libpq reports a working connection to the impostor, which never completes a login")
        }
        let template = expected.libpqErrorMessage.filling(["port": String(impostor.port)])
        if !template.matches(outcome.message) {
            problems.append(
                "expected libpq: \(template.text.debugDescription)\n  observed libpq: \(outcome.message.debugDescription)"
            )
        }
        let seen = captures.map { "\($0.sslRequested ? "tls" : "cleartext") \($0.stage.rawValue)" }
        let predicted = expected.attempts.map { "\($0.encrypted ? "tls" : "cleartext") \($0.stage.rawValue)" }
        if seen != predicted {
            problems.append("expected impostor to see: \(predicted)\n  observed impostor saw: \(seen)")
        }
        for capture in captures
        where capture.stage == .answered && c.request == .cleartextPassword && capture.password != password {
            problems.append(
                "connection #\(capture.connection): captured password \(capture.password.debugDescription), the client's is \(password.debugDescription)"
            )
        }
        return ImpostorRow(
            case: c, expected: expected, libpqMessage: outcome.message, captures: captures,
            disagreements: problems, milliseconds: elapsed.milliseconds)
    }

    /// Runs one case through a driver probe (`client` is a driver's worker pool), against a
    /// fresh impostor endpoint, with the same libpq keywords the libpq victim uses.
    public func runDriver(
        _ c: ImpostorCase, client: ProbeClient, pki: PKIMaterial, scratch: String
    ) async throws -> DriverImpostorRow {
        guard case .worker(let pool) = client, let driver = pool.driver else {
            throw DriverError.probeFailed(
                name: client.label, reason: "not a driver probe", setup: "scripts/setup --drivers all")
        }
        let impostor = try startImpostor(for: c, pki: pki)
        let params = try parameters(c, port: impostor.port, pki: pki, scratch: scratch)
        let request = WorkerRequest(
            id: "impostor-\(c.sslMode.rawValue)", parameters: params, environment: ["HOME": scratch],
            timeoutSeconds: 5)
        let message: String
        var detail: DriverCaseDetail?
        do {
            let response = try await pool.connect(request, deadline: 15)
            detail = response.driver
            switch response.report?.status {
            case .accepted?: message = "the driver reports a working connection to the impostor"
            case .rejected?: message = response.report?.errorMessage ?? ""
            case nil: message = response.error.map { "\($0)" } ?? "no report"
            }
        } catch {
            message = "\(error)"
        }
        let captures = impostor.stop()
        return DriverImpostorRow(
            driver: "\(driver.name) \(driver.version)", case: c, message: message, captures: captures, detail: detail)
    }

    /// Every case through each driver, one after the other.
    public func runDrivers(
        _ clients: [ProbeClient], pki: PKIMaterial, scratch: String
    ) async throws
        -> [DriverImpostorRow]
    {
        var rows: [DriverImpostorRow] = []
        for client in clients {
            for c in cases { rows.append(try await runDriver(c, client: client, pki: pki, scratch: scratch)) }
        }
        return rows
    }

    /// Every case, one after the other (each takes a few milliseconds).
    public func runAll(pki: PKIMaterial, scratch: String, versions: Versions) async throws -> [ImpostorRow] {
        var rows: [ImpostorRow] = []
        for c in cases { rows.append(try await run(c, pki: pki, scratch: scratch, versions: versions)) }
        return rows
    }

    /// A real cluster as impostor: variant B's certificate (trusted root, other host name)
    /// and `hostssl all all all trust`. verify-ca lets the victim in; verify-full does not.
    public func runRealCluster(
        installation: Installation, pki: PKIMaterial, scratch: String
    ) async throws -> [RealImpostorRow] {
        let hba = [HBAEntry(.hostssl, method: .trust)]
        return try await Cluster.with(installation: installation) { cluster in
            let source = ImpostorVariant.wrongHost.certificate
            let cert = try cluster.writeServerFile(
                "server.crt", Data(contentsOf: URL(fileURLWithPath: try pki.path(ImpostorPKI.certificateFile(source)))))
            let key = try cluster.writeServerFile(
                "server.key", Data(contentsOf: URL(fileURLWithPath: try pki.path(ImpostorPKI.keyFile(source)))))
            try cluster.appendConf(.ssl(certFile: cert, keyFile: key))
            try cluster.setHBA(hba.map(\.clusterRule))
            try await cluster.start()
            try await cluster.query("CREATE ROLE \(try SQLQuoting.identifier(user)) LOGIN")
            try await cluster.query("CREATE DATABASE \(try SQLQuoting.identifier(database))")
            var rows: [RealImpostorRow] = []
            for mode in [SSLMode.verifyCA, .verifyFull] {
                let c = ImpostorCase(mode, variant: .wrongHost)
                let params = try parameters(c, port: cluster.port, pki: pki, scratch: scratch)
                let result = try await BlockingWork.run { () -> (Bool, String, String?, String?) in
                    let connection = PGConnection(parameters: params)
                    guard connection.isConnected else { return (false, connection.errorMessage, nil, nil) }
                    let r = try? connection.execute(
                        "SELECT current_setting('cluster_name') AS cluster, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
                    )
                    return (true, "", r?.value(0, "cluster"), r?.value(0, "ssl"))
                }
                let scenario = Scenario(
                    server: ServerSide(
                        chain: ImpostorVariant.wrongHost.chain, names: ImpostorVariant.wrongHost.names, hba: hba),
                    client: ClientSide(sslMode: mode, trust: .root), user: user, database: database)
                let e = Expectation.predict(scenario, versions: .inProcess(server: installation))
                var problems: [String] = []
                switch e.outcome {
                case .accepted(let encrypted, _):
                    if !result.0 {
                        problems.append("expected the victim to get in; libpq: \(result.1.debugDescription)")
                    }
                    if result.0, (result.3 == "t") != encrypted {
                        problems.append("expected ssl = \(encrypted ? "t" : "f"), observed \(result.3 ?? "?")")
                    }
                    if result.0, result.2 != cluster.name {
                        problems.append("expected cluster_name \(cluster.name), observed \(result.2 ?? "?")")
                    }
                default:
                    let template = (e.libpqErrorMessage ?? "").filling(["port": String(cluster.port)])
                    if result.0 {
                        problems.append("expected a rejection, the victim got in")
                    } else if !template.matches(result.1) {
                        problems.append(
                            "expected libpq: \(template.text.debugDescription)\n  observed libpq: \(result.1.debugDescription)"
                        )
                    }
                }
                rows.append(
                    RealImpostorRow(
                        sslMode: mode, expected: e.description, connected: result.0, clusterName: result.2,
                        ssl: result.3, libpqMessage: result.0 ? nil : result.1, disagreements: problems))
            }
            return rows
        }
    }
}

extension Duration {
    var milliseconds: Int { Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000) }
}
