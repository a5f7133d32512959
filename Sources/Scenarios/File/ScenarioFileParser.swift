import ClusterKit
import Foundation

/// Walks a composed YAML tree into `RunnableGroup`s, checking as it goes; the first
/// problem found is thrown with its line. Split by section: PKI, server, client.
struct ScenarioFileParser {
    let file: String
    /// Every case is predicted by the model, whatever its `expect` says (the file's own
    /// log, stderr and query checks are kept): `sslmatrix run --expect-model`.
    var expectModel = false

    static let topKeys = ["description", "pki", "client_defaults", "server", "cases", "groups"]
    static let groupKeys = ["name", "description", "pki", "client_defaults", "server", "cases"]
    static let caseKeys = ["name", "description", "client", "expect", "skip", "query"]
    static let expectKeys = [
        "outcome", "ssl", "protocol", "user", "message", "server_log", "server_log_absent", "client_stderr",
    ]
    static let queryKeys = ["sql", "result", "matches", "error"]
    static let outcomes = ["accepted", "rejected", "server_fails_to_start"]
    static let protocols = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    init(file: String, expectModel: Bool = false) {
        self.file = file
        self.expectModel = expectModel
    }

    func parseFile(_ root: YAMLCursor) throws -> ScenarioFile {
        let top = try root.mapping(allowed: Self.topKeys)
        let summary = try top["description"]?.string()
        let base = ScenarioFile.baseName(file)
        guard let groupsNode = top["groups"] else {
            let group = try parseGroup(top, id: base, sharedPKI: nil, sharedDefaults: nil)
            return ScenarioFile(path: file, summary: summary, groups: [group])
        }
        for key in ["server", "cases"] where top.has(key) {
            throw ScenarioFileError.conflict(
                file: file, line: top.keyLine(key),
                reason:
                    "'\(key)' belongs inside each entry of 'groups' when the file has 'groups'; move it there, or drop 'groups' for a one-server file."
            )
        }
        let sharedPKI = try top["pki"].map { try parsePKI($0) }
        let sharedDefaults = try top["client_defaults"].map { try clientFields($0) }
        var groups: [RunnableGroup] = []
        var names: Set<String> = []
        let list = try groupsNode.list()
        if list.isEmpty { throw groupsNode.wrongType("a non-empty list of groups") }
        for item in list {
            let m = try item.mapping(allowed: Self.groupKeys, required: ["name", "server", "cases"])
            let nameCursor = try m.required("name")
            let name = try nameCursor.nonEmptyString()
            if !names.insert(name).inserted {
                throw ScenarioFileError.duplicateName(file: file, line: nameCursor.line, kind: "group", name: name)
            }
            groups.append(
                try parseGroup(m, id: "\(base)/\(name)", sharedPKI: sharedPKI, sharedDefaults: sharedDefaults))
        }
        return ScenarioFile(path: file, summary: summary, groups: groups)
    }

    /// One server configuration and its cases (the top level of a one-group file, or a
    /// `groups` entry, which may replace the shared `pki` and extend `client_defaults`).
    func parseGroup(
        _ m: YAMLMapping, id: String, sharedPKI: ParsedPKI?, sharedDefaults: ClientFields?
    ) throws -> RunnableGroup {
        var pki: ParsedPKI
        if let own = m["pki"] {
            pki = try parsePKI(own)
        } else if let sharedPKI {
            pki = sharedPKI
        } else {
            pki = ParsedPKI()
        }
        var defaults = sharedDefaults ?? ClientFields()
        if let own = m["client_defaults"] { defaults.merge(try clientFields(own)) }
        let server = try parseServer(try m.required("server"), pki: pki)
        pki.defaultOwners(serverFiles: server.referencedFiles)

        let casesCursor = try m.required("cases")
        let items = try casesCursor.list()
        if items.isEmpty { throw casesCursor.wrongType("a non-empty list of cases") }
        var cases: [CaseSpec] = []
        var startExpectation: (DeclaredExpectation, YAMLCursor)? = nil
        var connectionCase: YAMLCursor? = nil
        for item in items {
            let (spec, declared, expectCursor) = try parseCase(item, pki: pki, defaults: defaults, server: server)
            if cases.contains(where: { $0.id == spec.id }) {
                throw ScenarioFileError.duplicateName(file: file, line: item.line, kind: "case", name: spec.id)
            }
            if case .pendingModel = spec.expectation {
                // The model decides at prediction time whether the server starts.
            } else if declared.kind == .serverFailsToStart {
                if startExpectation == nil { startExpectation = (declared, expectCursor) }
            } else if connectionCase == nil {
                connectionCase = item
            }
            if let (_, start) = startExpectation, let other = connectionCase {
                throw ScenarioFileError.conflict(
                    file: file, line: max(start.line, other.line),
                    reason:
                        "a server expected not to start cannot take connections: the case at line \(start.line) expects server_fails_to_start and the one at line \(other.line) a connection; put them in separate groups (see 'groups')."
                )
            }
            cases.append(spec)
        }
        var group = RunnableGroup(
            id: id, pki: pki.spec, settings: server.settings, hba: server.hba, ident: server.ident,
            roles: server.roles, extensions: server.extensions,
            startExpectation: startExpectation.map { .declared($0.0) }, cases: cases)
        group.databases = server.databases
        return group
    }

    func parseCase(
        _ item: YAMLCursor, pki: ParsedPKI, defaults: ClientFields, server: ParsedServer
    ) throws -> (CaseSpec, DeclaredExpectation, YAMLCursor) {
        let m = try item.mapping(allowed: Self.caseKeys, required: ["name"])
        let name = try m.required("name").nonEmptyString()
        guard let expectCursor = m["expect"] else {
            throw ScenarioFileError.missingKey(
                file: file, line: item.line, key: "expect",
                context:
                    "case '\(name)' (say what it must do: expect: model for the rule model's prediction, or expect: accepted / {outcome: rejected, message: ...})"
            )
        }
        var (expected, byModel) = try parseExpectOrModel(expectCursor)
        if expectModel && !byModel {
            // Keep only what the model cannot predict; it predicts outcome, message, ssl,
            // protocol and user exactly.
            var kept = DeclaredExpectation(kind: .accepted, serverLog: expected.serverLog, source: expected.source)
            kept.serverLogAbsent = expected.serverLogAbsent
            kept.clientStderrEmpty = expected.clientStderrEmpty
            expected = kept
            byModel = true
        }
        if let q = m["query"] {
            if !byModel && expected.kind != .accepted {
                throw ScenarioFileError.conflict(
                    file: file, line: m.keyLine("query"),
                    reason:
                        "'query' runs SQL in an accepted session; this case expects \(expected.kind.rawValue). Remove query, or expect accepted."
                )
            }
            expected.query = try parseQuery(q)
        }
        let caseDescription = try m["description"]?.nonEmptyString()
        var fields = defaults
        if let client = m["client"] { fields.merge(try clientFields(client)) }
        let template: ClientTemplate
        if expected.kind == .serverFailsToStart && m["client"] == nil && fields.isEmpty {
            template = ClientTemplate(user: "postgres", sslmode: "disable")
        } else {
            template = try clientTemplate(fields, at: m["client"] ?? item, pki: pki)
        }
        let skip = try m["skip"]?.nonEmptyString()
        var labels = ["sslmode": template.sslmode, "file": (file as NSString).lastPathComponent]
        if let caseDescription { labels["description"] = caseDescription }
        var expectation = CaseExpectation.declared(expected)
        if byModel {
            labels["expect"] = "model"
            let translator = FileModelTranslator(pki: pki.spec, server: server, now: Date())
            do {
                expectation = .pendingModel(try translator.translate(template), checks: expected)
            } catch {
                throw ScenarioFileError.outsideModel(
                    file: file, line: item.line, caseName: name, key: error.key, reason: error.reason)
            }
        }
        let spec = CaseSpec(id: name, client: template, expectation: expectation, skipReason: skip, labels: labels)
        return (spec, expected, expectCursor)
    }

    /// `expect: model` (or `{outcome: model, ...}` with the checks the model cannot make:
    /// server_log, server_log_absent, client_stderr), else what `parseExpect` reads. The
    /// Bool says the model predicts the case.
    func parseExpectOrModel(_ c: YAMLCursor) throws -> (DeclaredExpectation, Bool) {
        if case .scalar(let s) = c.node, s.string == "model" {
            return (DeclaredExpectation(kind: .accepted, source: c.source), true)
        }
        guard c.node.mapping != nil else { return (try parseExpect(c), false) }
        let m = try c.mapping(allowed: Self.expectKeys, required: ["outcome"])
        guard try m.required("outcome").string() == "model" else { return (try parseExpect(c), false) }
        for key in ["ssl", "protocol", "user", "message"] where m.has(key) {
            throw ScenarioFileError.conflict(
                file: file, line: m.keyLine(key),
                reason:
                    "'\(key)' is what the model predicts exactly for outcome: model; remove it, or write the outcome yourself."
            )
        }
        var d = DeclaredExpectation(
            kind: .accepted, serverLog: try m["server_log"]?.regex(), source: c.source)
        d.serverLogAbsent = try m["server_log_absent"]?.regex()
        d.clientStderrEmpty = try m["client_stderr"].map { try $0.word(["empty"]) == "empty" } ?? false
        return (d, true)
    }

    /// `expect: accepted`, or a mapping with `outcome` and the checks that outcome allows.
    func parseExpect(_ c: YAMLCursor) throws -> DeclaredExpectation {
        if case .scalar = c.node {
            let word = try c.word(Self.outcomes)
            guard word == "accepted" else {
                throw ScenarioFileError.missingKey(
                    file: file, line: c.line, key: "message",
                    context:
                        "'\(c.path)' (a \(word) case must say which message it expects: write expect: {outcome: \(word), message: 'regular expression'})"
                )
            }
            return DeclaredExpectation(kind: .accepted, source: c.source)
        }
        let m = try c.mapping(allowed: Self.expectKeys, required: ["outcome"])
        let kind = DeclaredExpectation.Kind(rawValue: try m.required("outcome").word(Self.outcomes))!
        let onlyAccepted = ["ssl", "protocol", "user"]
        switch kind {
        case .accepted:
            if m.has("message") {
                throw ScenarioFileError.conflict(
                    file: file, line: m.keyLine("message"),
                    reason:
                        "an accepted connection has no error message; remove 'message', or expect outcome: rejected.")
            }
        case .rejected, .serverFailsToStart:
            for key in onlyAccepted where m.has(key) {
                throw ScenarioFileError.conflict(
                    file: file, line: m.keyLine(key),
                    reason:
                        "'\(key)' describes an accepted session; it cannot be checked when the outcome is \(kind.rawValue). Remove it."
                )
            }
            if m["message"] == nil {
                throw ScenarioFileError.missingKey(
                    file: file, line: c.line, key: "message",
                    context:
                        "'\(c.path)' (outcome \(kind.rawValue): a regular expression the \(kind == .rejected ? "client's error message" : "server's start-up log") must match)"
                )
            }
        }
        if kind != .accepted && m.has("client_stderr") {
            throw ScenarioFileError.conflict(
                file: file, line: m.keyLine("client_stderr"),
                reason:
                    "client_stderr: empty checks an accepted connection printed nothing; a \(kind.rawValue) case says what it printed with 'message'. Remove it."
            )
        }
        var declared = DeclaredExpectation(
            kind: kind, ssl: try m["ssl"]?.bool(), protocol: try m["protocol"]?.word(Self.protocols),
            user: try m["user"]?.nonEmptyString(), message: try m["message"]?.regex(),
            serverLog: try m["server_log"]?.regex(), source: c.source)
        declared.serverLogAbsent = try m["server_log_absent"]?.regex()
        declared.clientStderrEmpty = try m["client_stderr"].map { try $0.word(["empty"]) == "empty" } ?? false
        return declared
    }

    /// `query: {sql: "SELECT ssl_is_used();", result: t}` (psql -A -t output, exact after the
    /// trailing newline), `{sql: ..., matches: 'regex'}` (the same output, searched), or
    /// `{sql: ..., error: 'regex'}` (psql's stderr, the SQL failed).
    func parseQuery(_ c: YAMLCursor) throws -> DeclaredExpectation.Query {
        let m = try c.mapping(allowed: Self.queryKeys, required: ["sql"])
        let sql = try m.required("sql").nonEmptyString()
        if sql.unicodeScalars.contains("\0") {
            throw ScenarioFileError.unsafeValue(
                file: file, line: m.keyLine("sql"), context: "'\(c.path).sql'",
                reason: "a NUL would cut the statement where psql reads it as a C string")
        }
        if ["result", "matches", "error"].filter({ m.has($0) }).count != 1 {
            throw ScenarioFileError.missingKey(
                file: file, line: c.line, key: "result', 'matches' or 'error",
                context:
                    "'\(c.path)' (exactly one: the output psql prints, a regex it must match, or a regex its error must match)"
            )
        }
        return DeclaredExpectation.Query(
            sql: sql, result: try m["result"]?.string(), matches: try m["matches"]?.regex(),
            error: try m["error"]?.regex())
    }
}
