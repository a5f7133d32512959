import ClusterKit
import Foundation

/// The experiment of "How to Spot an Impostor: Working with PostgreSQL's SSL Modes", on a
/// real cluster: ssl=on with a certificate from a CA the client does not have (it has no
/// root.crt at all), pg_hba `hostnossl all all all reject` then `hostssl all all all password`,
/// and the real psql once per sslmode.
public struct ArticleExperiment: Sendable {
    public var user = "alice"
    public var database = "postgres"
    public var password = "article-secret"
    public static let query = "select * from pg_stat_ssl where pid = pg_backend_pid()"

    /// The article's pg_hba.conf, as model data (the cluster gets the same lines).
    public static let hba: [HBAEntry] = [.rejectNonSSL, HBAEntry(.hostssl, method: .password)]

    public init() {}

    /// The model's view of one row: the article's client has no root.crt.
    public func scenario(_ mode: SSLMode) -> Scenario {
        Scenario(
            server: ServerSide(chain: .rootSigned, names: .standard, hba: Self.hba),
            client: ClientSide(sslMode: mode, trust: .defaultAbsent, password: .right),
            user: user, database: database, storedPassword: .scram)
    }

    /// Starts the cluster, runs psql for every sslmode, and always destroys the cluster.
    public func run(installation: Installation, pki: PKIMaterial, scratch: String) async throws -> [ArticleRow] {
        let home = scratch + "/article-home"
        try SecureFiles.makeDirectory(home, mode: 0o700)
        return try await Cluster.with(installation: installation) { cluster in
            let cert = try cluster.writeServerFile(
                "server.crt",
                Data(contentsOf: URL(fileURLWithPath: try pki.path(ImpostorPKI.certificateFile(ImpostorPKI.database)))))
            let key = try cluster.writeServerFile(
                "server.key",
                Data(contentsOf: URL(fileURLWithPath: try pki.path(ImpostorPKI.keyFile(ImpostorPKI.database)))))
            try cluster.appendConf(.ssl(certFile: cert, keyFile: key))
            try cluster.setHBA(Self.hba.map(\.clusterRule))
            try await cluster.start()
            try await cluster.query(
                "CREATE ROLE \(try SQLQuoting.identifier(user)) LOGIN PASSWORD \(try SQLQuoting.literal(password))")
            var rows: [ArticleRow] = []
            for mode in SSLMode.allCases {
                let observed = try await psql(mode, cluster: cluster, home: home)
                rows.append(
                    compare(
                        mode, observed, port: cluster.port, home: home, versions: .inProcess(server: installation)))
            }
            return rows
        }
    }

    /// The real psql (not Debian's wrapper) with an explicit environment: nothing from the
    /// caller's PG* variables, HOME an empty directory (no ~/.postgresql), LC_ALL=C.
    func psql(_ mode: SSLMode, cluster: Cluster, home: String) async throws -> PsqlRun {
        let env: [String: String] = [
            "PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C", "HOME": home,
            "PGHOST": "127.0.0.1", "PGPORT": String(cluster.port), "PGUSER": user, "PGDATABASE": database,
            "PGPASSWORD": password, "PGSSLMODE": mode.rawValue, "PGCONNECT_TIMEOUT": "10",
            "PGGSSENCMODE": "disable", "PGAPPNAME": "sslmatrix-article",
        ]
        let args = ["-X", "-c", Self.query]
        let start = ContinuousClock.now
        let result = try await Command.run(cluster.installation.tool("psql"), args, environment: env, input: "")
        let elapsed = ContinuousClock.now - start
        var shown = env
        shown["PGPASSWORD"] = "***"
        return PsqlRun(
            commandLine: "PGSSLMODE=\(mode) psql -c \"\(Self.query)\"", environment: shown,
            exitCode: result.exitCode, standardOutput: result.standardOutput, standardError: result.standardError,
            sslRow: result.succeeded ? Self.parseAligned(result.standardOutput) : nil,
            milliseconds: Int(
                elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
    }

    /// psql's aligned output: header, dashes, one row. Column values are trimmed.
    static func parseAligned(_ text: String) -> [String: String]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else { return nil }
        let header = lines[0].split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let values = lines[2].split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard header.count == values.count, header.contains("ssl") else { return nil }
        return Dictionary(zip(header, values), uniquingKeysWith: { a, _ in a })
    }

    /// Checks one observed run against the model, and notes where the article's (pre-14) wording differs.
    func compare(_ mode: SSLMode, _ observed: PsqlRun, port: Int, home: String, versions: Versions) -> ArticleRow {
        let expectation = Expectation.predict(scenario(mode), versions: versions)
        let values = ["port": String(port), "home": home]
        var problems: [String] = []
        var expectedError: String?
        switch expectation.outcome {
        case .accepted(let encrypted, _):
            if !observed.connected {
                problems.append(
                    "expected a connection (\(encrypted ? "ssl = t" : "ssl = f")); psql exited \(observed.exitCode.map(String.init) ?? "?"): \(observed.standardError.trimmingCharacters(in: .whitespacesAndNewlines))"
                )
            } else if observed.encrypted != encrypted {
                problems.append(
                    "expected ssl = \(encrypted ? "t" : "f"); pg_stat_ssl says ssl = \(observed.sslRow?["ssl"] ?? "?")")
            }
        case .rejected:
            let template = MessageTemplate("psql: error: ") + (expectation.libpqErrorMessage ?? "")
            expectedError = template.rendered(values)
            if observed.exitCode != 2 {
                problems.append(
                    "expected psql to fail to connect (exit 2); it exited \(observed.exitCode.map(String.init) ?? "?")")
            }
            if !template.filling(values).matches(observed.standardError) {
                problems.append(
                    "expected stderr: \(template.rendered(values).debugDescription)\n  observed stderr: \(observed.standardError.debugDescription)"
                )
            }
        case .serverFailsToStart(let log):
            problems.append("the model expects the server not to start: \(log.map(\.text))")
        }
        // The article predates PostgreSQL 14: no "connection to server at" prefix, "SSL off".
        // 13's wording comes from the catalogue's source references only (13 is not run here).
        let then = Expectation.predict(scenario(mode), versions: .same(13))
        var wordingThen: String?
        if let old = then.libpqErrorMessage?.rendered(values),
            let new = expectation.libpqErrorMessage?.rendered(values), old != new
        {
            wordingThen = old
        }
        return ArticleRow(
            sslMode: mode, expected: expectation.description, rules: expectation.rules, expectedError: expectedError,
            observed: observed, disagreements: problems, wordingThen: wordingThen)
    }
}
