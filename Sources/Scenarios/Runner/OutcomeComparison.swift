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
        case .modelChecked(let e, let d):
            let diffs = compareModel(e, outcome, run)
            if case .notAttempted = outcome.result { return diffs }
            return diffs + compareLogChecks(d, outcome)
        case .pendingModel:
            return ["not predicted: the case says expect: model and was run without the run's versions"]
        }
    }

    static func trimmed(_ s: String) -> String {
        var s = s
        while s.hasSuffix("\n") { s.removeLast() }
        return s
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
        return diffs + compareLogChecks(d, outcome)
    }

    /// A file's server_log (a line must match) and server_log_absent (none may).
    static func compareLogChecks(_ d: DeclaredExpectation, _ outcome: Outcome) -> [String] {
        var diffs: [String] = []
        if let pattern = d.serverLog {
            let lines = outcome.serverLog.map(\.description)
            if !lines.contains(where: { search(pattern, in: $0) }) {
                diffs.append(
                    "expected a server log line matching /\(pattern)/; observed:\n\(indent(lines.joined(separator: "\n")))"
                )
            }
        }
        if let pattern = d.serverLogAbsent {
            let matching = outcome.serverLog.map(\.description).filter { search(pattern, in: $0) }
            if !matching.isEmpty {
                diffs.append(
                    "expected no server log line matching /\(pattern)/; observed:\n\(indent(matching.joined(separator: "\n")))"
                )
            }
        }
        return diffs
    }

    static func search(_ pattern: String, in text: String) -> Bool {
        TextSearch.search(pattern, in: text)
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
