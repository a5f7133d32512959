import ClusterKit
import Foundation

/// Compares what a probe saw with what was expected, returning every difference in words.
/// An empty list means agreement.
enum OutcomeComparison {
    /// Run-time values the model's message templates leave open.
    struct RunValues {
        var values: [String: String]
    }

    static func compare(_ expectation: CaseExpectation, _ outcome: Outcome, _ run: RunValues) -> [String] {
        switch expectation {
        case .model(let e): return compareModel(e, outcome, run)
        case .declared(let d): return compareDeclared(d, outcome)
        }
    }

    static func trimmed(_ s: String) -> String {
        var s = s
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    static func compareModel(_ e: Expectation, _ outcome: Outcome, _ run: RunValues) -> [String] {
        if case .notAttempted(let reason) = outcome.result { return ["not attempted: \(reason)"] }
        if let wrong = outcome.wrongServer { return ["reached the wrong server: \(wrong)"] }
        var diffs: [String] = []
        switch e.outcome {
        case .accepted(let encrypted, let user):
            guard let session = outcome.session else {
                return [
                    "expected accepted (\(encrypted ? "encrypted" : "no encryption")) as \(user); observed rejected: \(trimmed(outcome.rejection?.errorMessage ?? ""))"
                ]
            }
            if session.client.encrypted != encrypted {
                diffs.append(
                    "expected \(encrypted ? "an encrypted" : "an unencrypted") session; observed \(session.client.encrypted ? "encrypted" : "unencrypted")"
                )
            }
            if session.sessionUser != user {
                diffs.append("expected session user \(user); observed \(session.sessionUser)")
            }
            diffs += compareLogs(e.failedAttemptsBeforeSuccess, outcome, run)
        case .rejected(let attempts):
            guard let rejection = outcome.rejection else {
                let s = outcome.session
                return [
                    "expected rejected: \(render(attempts, run)); observed accepted (\(s?.client.encrypted == true ? "encrypted" : "no encryption")) as \(s?.sessionUser ?? "?")"
                ]
            }
            let expectedText = render(attempts, run)
            let observedText = trimmed(rejection.errorMessage)
            if expectedText != observedText {
                let joined = MessageTemplate(attempts.map(\.libpqMessage.text).joined()).filling(run.values)
                if !(joined.placeholders.isEmpty == false && joined.matches(rejection.errorMessage)) {
                    diffs.append(
                        "expected message:\n\(indent(expectedText))\nobserved message:\n\(indent(observedText))")
                }
            }
            diffs += compareLogs(attempts, outcome, run)
        case .serverFailsToStart:
            diffs.append(
                "expected the server not to start; it started and the client got: \(outcome.isAccepted ? "accepted" : trimmed(outcome.rejection?.errorMessage ?? ""))"
            )
        }
        return diffs
    }

    static func render(_ attempts: [ExpectedAttempt], _ run: RunValues) -> String {
        trimmed(attempts.map { $0.libpqMessage.rendered(run.values) }.joined())
    }

    /// Each expected server line must appear among the lines paired with the same attempt
    /// (or, when the socket count differs, anywhere in the probe's lines).
    static func compareLogs(_ attempts: [ExpectedAttempt], _ outcome: Outcome, _ run: RunValues) -> [String] {
        var diffs: [String] = []
        for (i, attempt) in attempts.enumerated() where !attempt.serverLog.isEmpty {
            let lines =
                outcome.sockets.count >= attempts.count
                ? outcome.sockets[i].serverLog.map(\.description)
                : outcome.serverLog.map(\.description)
            for template in attempt.serverLog {
                let filled = template.filling(run.values)
                let found = lines.contains { $0 == filled.text || filled.matches($0) }
                if !found {
                    diffs.append(
                        "expected server log line for attempt \(i + 1): \(filled.text)\nobserved lines:\n\(indent(lines.isEmpty ? "(none)" : lines.joined(separator: "\n")))"
                    )
                }
            }
        }
        return diffs
    }

    static func compareDeclared(_ d: DeclaredExpectation, _ outcome: Outcome) -> [String] {
        if case .notAttempted(let reason) = outcome.result { return ["not attempted: \(reason)"] }
        if let wrong = outcome.wrongServer { return ["reached the wrong server: \(wrong)"] }
        var diffs: [String] = []
        switch d.kind {
        case .accepted:
            guard let s = outcome.session else {
                return ["expected accepted; observed rejected: \(trimmed(outcome.rejection?.errorMessage ?? ""))"]
            }
            if let ssl = d.ssl, s.client.encrypted != ssl {
                diffs.append("expected ssl \(ssl); observed \(s.client.encrypted)")
            }
            if let p = d.protocol, s.client.protocol != p {
                diffs.append("expected protocol \(p); observed \(s.client.protocol ?? "none")")
            }
            if let u = d.user, s.sessionUser != u { diffs.append("expected user \(u); observed \(s.sessionUser)") }
        case .rejected:
            guard let r = outcome.rejection else {
                return [
                    "expected rejected; observed accepted (\(outcome.session?.client.encrypted == true ? "encrypted" : "no encryption"))"
                ]
            }
            if let pattern = d.message, !search(pattern, in: r.errorMessage) {
                diffs.append("expected message matching /\(pattern)/; observed:\n\(indent(trimmed(r.errorMessage)))")
            }
        case .serverFailsToStart:
            diffs.append("expected the server not to start; it started")
        }
        if let pattern = d.serverLog {
            let lines = outcome.serverLog.map(\.description)
            if !lines.contains(where: { search(pattern, in: $0) }) {
                diffs.append(
                    "expected a server log line matching /\(pattern)/; observed:\n\(indent(lines.joined(separator: "\n")))"
                )
            }
        }
        return diffs
    }

    static func search(_ pattern: String, in text: String) -> Bool {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else {
            return false
        }
        return re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
