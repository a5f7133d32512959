import ClusterKit
import Foundation

/// The model comparison: every field the model predicts, each difference naming its field
/// ("protocol: expected TLSv1.3; observed TLSv1.2"), so a report says what moved.
extension OutcomeComparison {
    /// The fields a model comparison checks, as they appear at the start of a difference.
    enum Field: String, CaseIterable, Sendable {
        case outcome, encrypted, `protocol`, cipher
        case channelBinding = "channel_binding"
        case user, method, identity, attempts
        case transport, result, sqlstate, message
        case serverLog = "server_log"
    }

    static func difference(_ field: Field, _ text: String) -> String { "\(field.rawValue): \(text)" }

    static func compareModel(_ e: Expectation, _ outcome: Outcome, _ run: RunValues) -> [String] {
        if case .notAttempted(let reason) = outcome.result { return ["not attempted: \(reason)"] }
        if let wrong = outcome.wrongServer { return ["reached the wrong server: \(wrong)"] }
        var diffs: [String] = []
        switch e.outcome {
        case .accepted(let encrypted, let user):
            guard let session = outcome.session else {
                return [
                    difference(
                        .outcome,
                        "expected accepted (\(encrypted ? "encrypted" : "no encryption")) as \(user); observed rejected: \(trimmed(outcome.rejection?.errorMessage ?? ""))"
                    )
                ]
            }
            if session.client.encrypted != encrypted {
                diffs.append(
                    difference(
                        .encrypted,
                        "expected \(encrypted ? "an encrypted" : "an unencrypted") session; observed \(session.client.encrypted ? "encrypted" : "unencrypted")"
                    ))
            }
            if session.sessionUser != user {
                diffs.append(difference(.user, "expected session user \(user); observed \(session.sessionUser)"))
            }
            if let expected = e.session { diffs += compareSession(expected, session) }
        case .rejected(let attempts):
            guard let rejection = outcome.rejection else {
                let s = outcome.session
                return [
                    difference(
                        .outcome,
                        "expected rejected: \(render(attempts, run)); observed accepted (\(s?.client.encrypted == true ? "encrypted" : "no encryption")) as \(s?.sessionUser ?? "?")"
                    )
                ]
            }
            let expectedText = render(attempts, run)
            let observedText = trimmed(rejection.errorMessage)
            if expectedText != observedText {
                let joined = MessageTemplate(attempts.map(\.libpqMessage.text).joined()).filling(run.values)
                if !(joined.placeholders.isEmpty == false && joined.matches(rejection.errorMessage)) {
                    diffs.append(
                        difference(
                            .message, "expected:\n\(indent(expectedText))\nobserved:\n\(indent(observedText))"))
                }
            }
        case .serverFailsToStart:
            diffs.append(
                difference(
                    .outcome,
                    "expected the server not to start; it started and the client got: \(outcome.isAccepted ? "accepted" : trimmed(outcome.rejection?.errorMessage ?? ""))"
                ))
            return diffs
        }
        diffs += compareAttempts(e, ObservedAttempt.of(outcome), run)
        return diffs
    }

    static func compareSession(_ expected: ExpectedSession, _ session: Outcome.Session) -> [String] {
        var diffs: [String] = []
        if session.client.protocol != expected.protocol {
            diffs.append(
                difference(
                    .protocol, "expected \(expected.protocol ?? "none"); observed \(session.client.protocol ?? "none")")
            )
        }
        if let cipher = expected.cipher, session.client.cipher != cipher {
            diffs.append(difference(.cipher, "expected \(cipher); observed \(session.client.cipher ?? "none")"))
        }
        let bound = session.authentication.channelBindingUsed
        if bound != expected.channelBinding {
            let observed = bound.map { $0 ? "SCRAM-SHA-256-PLUS" : "no channel binding" } ?? "not readable"
            diffs.append(
                difference(
                    .channelBinding,
                    "expected \(expected.channelBinding ? "SCRAM-SHA-256-PLUS" : "no channel binding"); observed \(observed)"
                ))
        }
        if session.authentication.method != expected.method {
            diffs.append(
                difference(
                    .method,
                    "expected \(expected.method ?? "none (no authenticated identity)"); observed \(session.authentication.method ?? "none")"
                ))
        }
        if session.authentication.identity != expected.identity {
            diffs.append(
                difference(
                    .identity,
                    "expected \(expected.identity ?? "none"); observed \(session.authentication.identity ?? "none")"))
        }
        return diffs
    }

    static func render(_ attempts: [ExpectedAttempt], _ run: RunValues) -> String {
        trimmed(attempts.map { $0.libpqMessage.rendered(run.values) }.joined())
    }

    /// Number, transport and result of every attempt, then per attempt its SQLSTATE and its
    /// server log as an exact multiset (less `LogTolerance`).
    static func compareAttempts(_ e: Expectation, _ observed: [ObservedAttempt], _ run: RunValues) -> [String] {
        let expected = e.allAttempts
        var logs = e.attempts.map(\.serverLog)
        var sqlstates = e.attempts.map(\.sqlstate)
        if let session = e.session {
            logs.append(session.serverLog)
            sqlstates.append(nil)
        }
        func describe(_ list: [(ssl: Bool, accepted: Bool)]) -> String {
            list.isEmpty
                ? "none"
                : list.map { "\($0.ssl ? "TLS" : "plain") \($0.accepted ? "accepted" : "failed")" }.joined(
                    separator: ", ")
        }
        let seen = observed.map { (ssl: $0.tls, accepted: $0.accepted) }
        guard expected.count == observed.count else {
            return [
                difference(
                    .attempts,
                    "expected \(expected.count) (\(describe(expected))); observed \(observed.count) (\(describe(seen)))"
                )
            ]
        }
        var diffs: [String] = []
        for (i, (want, got)) in zip(expected, observed).enumerated() {
            let n = i + 1
            if want.ssl != got.tls {
                diffs.append(
                    difference(
                        .transport,
                        "attempt \(n): expected \(want.ssl ? "TLS" : "plain"); observed \(got.tls ? "TLS" : "plain")"))
            }
            if want.accepted != got.accepted {
                diffs.append(
                    difference(
                        .result,
                        "attempt \(n): expected \(want.accepted ? "accepted" : "failed"); observed \(got.accepted ? "accepted" : "failed")"
                    ))
            }
            if sqlstates[i] != got.sqlstate {
                diffs.append(
                    difference(
                        .sqlstate,
                        "attempt \(n): expected \(sqlstates[i] ?? "none"); observed \(got.sqlstate ?? "none")"))
            }
            diffs += compareLog(attempt: n, expected: logs[i], observed: got.serverLog, run)
        }
        return diffs
    }

    /// Exact multiset: every expected line matched by one observed line, every observed line
    /// matched by one expected line or tolerated by name.
    static func compareLog(
        attempt n: Int, expected: [MessageTemplate], observed: [String], _ run: RunValues
    )
        -> [String]
    {
        var unmatched = observed
        var missing: [String] = []
        for template in expected {
            let filled = template.filling(run.values)
            if let index = unmatched.firstIndex(where: { $0 == filled.text || filled.matches($0) }) {
                unmatched.remove(at: index)
            } else {
                missing.append(filled.text)
            }
        }
        let unexpected = unmatched.filter { LogTolerance.tolerating($0) == nil }
        guard !missing.isEmpty || !unexpected.isEmpty else { return [] }
        var text = "attempt \(n):"
        if !missing.isEmpty { text += "\n  expected, not logged:\n" + indent(missing.joined(separator: "\n")) }
        if !unexpected.isEmpty { text += "\n  logged, not predicted:\n" + indent(unexpected.joined(separator: "\n")) }
        return [difference(.serverLog, text)]
    }
}
