import ClusterKit
import Foundation

/// Judges a driver's case against the libpq model: the same comparison as the matrix
/// (`OutcomeComparison`), then each difference classified (`DriverDeviation.Class`).
///
/// The client's own error text is not compared: a driver never writes libpq's words (it is
/// kept in the result for reading). Channel binding is judged only when the driver reported
/// the SASL mechanism: the server does not say whether a SCRAM exchange was bound.
public enum DriverConformance {
    /// `result` judged for a driver: verdict agree unless a deviation remains; the deviation,
    /// the driver's own account and the differences that are not the driver's wording.
    static func judge(
        _ result: CaseResult, expectation: CaseExpectation, outcome: Outcome
    ) -> CaseResult {
        var withDetail = result
        withDetail.driver = outcome.driver
        guard let expectation = expectation.prediction else { return withDetail }
        if result.verdict != .disagree && result.verdict != .agree { return withDetail }
        if case .notAttempted(let reason) = outcome.result {
            guard outcome.driver?.errorClass == DriverCaseDetail.processDied else { return withDetail }
            var died = CaseResult(
                id: result.id, group: result.group, verdict: .disagree, differences: [reason],
                expected: result.expected, rules: result.rules, observed: result.observed)
            died.labels = result.labels
            died.driver = outcome.driver
            died.deviation = crash(expectation, outcome)
            return died
        }
        if outcome.wrongServer != nil { return withDetail }
        if let session = outcome.session, let error = session.queryError {
            // Connected, but the server's view is missing: nothing to judge encryption or user by.
            var failed = CaseResult(
                id: result.id, group: result.group, verdict: .error,
                differences: ["the driver connected but the server-view queries failed: \(error)"],
                expected: result.expected, rules: result.rules, observed: result.observed)
            failed.labels = result.labels
            failed.driver = outcome.driver
            return failed
        }
        let observed = ObservedAttempt.of(outcome)
        let saslKnown = outcome.session?.authentication.saslMechanism != nil
        var fields = result.differences.filter { d in
            if d.hasPrefix(OutcomeComparison.Field.message.rawValue + ":") { return false }
            // Without the driver's SASL mechanism, binding is not observable (the server does not log it).
            if d.hasPrefix(OutcomeComparison.Field.channelBinding.rawValue + ":") && !saslKnown { return false }
            // "observed plain" for a driver only means no TLS evidence in the server's lines.
            if d.hasPrefix(OutcomeComparison.Field.transport.rawValue + ": attempt "), d.hasSuffix("observed plain"),
                let n = Int(d.dropFirst("transport: attempt ".count).prefix { $0.isNumber }), n >= 1,
                n <= observed.count,
                n > outcome.sockets.count
                    || !ObservedAttempt.serverSawPlaintext(outcome.sockets[n - 1].serverLog)
            {
                return false
            }
            return true
        }
        // Binding not observable, but the probe said its driver has no channel binding while
        // libpq would have bound: that is known without the SASL mechanism.
        if outcome.isAccepted, expectation.session?.channelBinding == true,
            outcome.driver?.unsupported.contains("channel_binding") == true,
            !fields.contains(where: { $0.hasPrefix(OutcomeComparison.Field.channelBinding.rawValue + ":") })
        {
            fields.append(
                OutcomeComparison.difference(
                    .channelBinding,
                    "expected SCRAM-SHA-256-PLUS; the driver has no channel binding (probe: unsupported)"))
        }
        let deviation = fields.isEmpty ? nil : classify(expectation, outcome, fields)
        var judged = CaseResult(
            id: result.id, group: result.group, verdict: deviation == nil ? .agree : .disagree,
            differences: deviation == nil ? [] : fields, expected: result.expected, rules: result.rules,
            observed: result.observed)
        judged.labels = result.labels
        judged.deviation = deviation
        judged.driver = outcome.driver
        return judged
    }

    static func classify(_ e: Expectation, _ o: Outcome, _ diffs: [String]) -> DriverDeviation {
        func has(_ field: OutcomeComparison.Field) -> Bool { diffs.contains { $0.hasPrefix(field.rawValue + ":") } }
        let observedTLS = o.session?.client.encrypted
        switch (e.outcome, o.result) {
        case (.rejected(let attempts), .accepted(let s)) where libpqRefusesOption(attempts):
            // The keyword is unknown to this libpq (a newer option): not a weakening.
            return DriverDeviation(
                class: .sessionDetail,
                kind: "connects \(s.client.encrypted ? "over TLS" : "in plaintext") with an option this libpq rejects: "
                    + libpqReason(attempts))
        case (.rejected(let attempts), .accepted(let s)):
            return DriverDeviation(
                class: .securityRelevant,
                kind: "connects \(s.client.encrypted ? "over TLS" : "in PLAINTEXT") where libpq refuses: "
                    + libpqReason(attempts))
        case (.accepted(let encrypted, _), .rejected):
            let fallback = e.failedAttemptsBeforeSuccess.isEmpty ? "" : " after a failed first attempt (no fallback)"
            return DriverDeviation(
                class: .stricter,
                kind: "refuses where libpq connects \(encrypted ? "over TLS" : "in plaintext")\(fallback): "
                    + driverReason(o))
        case (.accepted(let encrypted, _), .accepted) where observedTLS != encrypted:
            return encrypted
                ? DriverDeviation(class: .securityRelevant, kind: "connects in PLAINTEXT where libpq uses TLS")
                : DriverDeviation(class: .stricter, kind: "connects over TLS where libpq connects in plaintext")
        default: break
        }
        if has(.channelBinding), e.session?.channelBinding == true {
            return DriverDeviation(
                class: .securityRelevant, kind: "channel binding not used where libpq binds (SCRAM-SHA-256-PLUS)")
        }
        let observed = ObservedAttempt.of(o)
        if has(.attempts) || has(.transport) || has(.result) {
            let expectedPlain = e.allAttempts.contains { !$0.ssl }
            // A plaintext attempt is one whose socket reached the server (a failure before any
            // socket, e.g. a file the driver could not read, sent nothing).
            let plainOnWire = o.sockets.contains { ObservedAttempt.serverSawPlaintext($0.serverLog) }
            if !expectedPlain && plainOnWire {
                return DriverDeviation(
                    class: .securityRelevant, kind: "makes a PLAINTEXT attempt where libpq makes none")
            }
            let describe = { (list: [(ssl: Bool, accepted: Bool)]) in
                list.map { "\($0.ssl ? "TLS" : "plain") \($0.accepted ? "ok" : "failed")" }.joined(separator: ", ")
            }
            let steps =
                "libpq [\(describe(e.allAttempts))], driver [\(describe(observed.map { ($0.tls, $0.accepted) }))]"
            // Both refuse, at another step (e.g. libpq before connecting, the driver in the handshake).
            if o.rejection != nil {
                return DriverDeviation(class: .messageOnly, kind: "refuses at another step: " + steps)
            }
            return DriverDeviation(class: .sessionDetail, kind: "other attempts: " + steps)
        }
        let sessionFields: [OutcomeComparison.Field] = [.protocol, .cipher, .method, .identity, .user, .channelBinding]
        if let field = sessionFields.first(where: has) {
            return DriverDeviation(
                class: .sessionDetail, kind: "other \(field.rawValue.replacingOccurrences(of: "_", with: " "))")
        }
        return DriverDeviation(
            class: .messageOnly,
            kind: has(.sqlstate) ? "other SQLSTATE" : "other server log: " + logDifference(diffs, o))
    }

    /// A probe process that died in this case: what libpq does instead, and how it died
    /// ("was killed by signal 4 (SIGILL)"); the crash site stays in the case's notes.
    static func crash(_ e: Expectation, _ o: Outcome) -> DriverDeviation {
        let how = o.driver?.notes.first.map { $0.replacingOccurrences(of: "the probe process ", with: "") } ?? "died"
        let libpq: String
        switch e.outcome {
        case .rejected(let attempts): libpq = "libpq refuses: " + libpqReason(attempts)
        case .accepted(let encrypted, _): libpq = "libpq connects " + (encrypted ? "over TLS" : "in plaintext")
        case .serverFailsToStart: libpq = "the server does not start"
        }
        return DriverDeviation(class: .crash, kind: "the driver's process \(how) where \(libpq)")
    }

    /// The first line of libpq's text for its last attempt, placeholders left as they are.
    static func libpqReason(_ attempts: [ExpectedAttempt]) -> String {
        let text = attempts.last?.libpqMessage.text ?? ""
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return String(
            line.replacingOccurrences(of: "connection to server at {host} ({hostaddr}), port {port} failed: ", with: "")
                .prefix(140))
    }

    /// The driver's error class, and the server's FATAL when the server refused.
    static func driverReason(_ o: Outcome) -> String {
        let fatal = o.serverLog.first { $0.severity == "FATAL" }.map { generic($0.message) }
        let cls = o.driver?.errorClass.map { $0.split(separator: ".").last.map(String.init) ?? $0 }
        let own = o.rejection.map { generic(String($0.errorMessage.split(separator: "\n").first ?? "")) }
        return [cls, fatal.map { "server: \($0)" } ?? own].compactMap { $0 }.joined(separator: ": ")
    }

    /// The first line the server logged that the model did not predict (else the first it
    /// predicted and the server did not log), with per-case values replaced.
    static func logDifference(_ diffs: [String], _ o: Outcome) -> String {
        for (marker, label) in [("logged, not predicted:\n", "logged "), ("expected, not logged:\n", "did not log ")] {
            for d in diffs where d.hasPrefix(OutcomeComparison.Field.serverLog.rawValue + ":") {
                guard let r = d.range(of: marker) else { continue }
                let line = d[r.upperBound...].split(separator: "\n").first.map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                if let line, !line.isEmpty { return label + generic(line) }
            }
        }
        return serverReason(o)
    }

    /// The server line that says most: its FATAL, else the first LOG line that is not routine.
    static func serverReason(_ o: Outcome) -> String {
        let routine = ["connection received", "connection authorized", "connection authenticated"]
        let line =
            o.serverLog.first { $0.severity == "FATAL" }
            ?? o.serverLog.first { l in !routine.contains { l.message.hasPrefix($0) } }
        return line.map { generic($0.message) }
            ?? (o.sockets.isEmpty
                ? "nothing reached the server" : "only 'connection received' (the driver opened a socket)")
    }

    /// libpq refused the keyword itself ("invalid connection option", "invalid ... value").
    static func libpqRefusesOption(_ attempts: [ExpectedAttempt]) -> Bool {
        let text = attempts.last?.libpqMessage.text ?? ""
        return text.hasPrefix("invalid connection option") || text.hasPrefix("invalid ")
    }

    /// A message with what varies per case (quoted names, numbers) replaced, so cases group.
    static func generic(_ text: String) -> String {
        var s = text.replacingOccurrences(of: #""[^"]*""#, with: "\"…\"", options: .regularExpression)
        s = s.replacingOccurrences(of: #"=[A-Za-z_][A-Za-z0-9_]*"#, with: "=…", options: .regularExpression)
        s = s.replacingOccurrences(of: #"\b\d+\b"#, with: "N", options: .regularExpression)
        return String(s.prefix(140))
    }
}
