/// The three lines a report opens with: what flipped, what only changed wording, and what
/// a DBA must do about it. Derived from the summary alone, so every report says it the same way.
struct UpgradeVerdict: Codable, Sendable {
    var flipped: String
    var wording: String
    var action: String

    var lines: [String] { ["Flipped: " + flipped, "Wording only: " + wording, "Action: " + action] }

    init(_ s: DriftSummary) {
        let flips = s.entries(.outcome)
        let tls = s.caseCount(.tls)
        let tlsNote = tls > 0 ? " (\(tls) cases negotiate another TLS protocol or cipher)" : ""
        if flips.isEmpty {
            flipped = "none: every case is accepted or rejected, encrypted or not, as before" + tlsNote + "."
        } else {
            let parts = flips.map { "\($0.count) \($0.change) [\($0.side)]" }
            flipped = "\(Self.cases(s.caseCount(.outcome))): " + parts.joined(separator: "; ") + tlsNote + "."
        }
        let messages = s.entries(.message), logs = s.entries(.log)
        var wordingParts: [String] = []
        if !messages.isEmpty {
            wordingParts.append(
                "client messages in \(Self.cases(s.caseCount(.message))) (\(Self.kinds(messages.count)): "
                    + Self.sides(messages) + ")")
        }
        if !logs.isEmpty {
            wordingParts.append(
                "server log lines in \(Self.cases(s.caseCount(.log))) (\(Self.kinds(logs.count)): " + Self.sides(logs)
                    + ")")
        }
        wording = wordingParts.isEmpty ? "none." : wordingParts.joined(separator: "; ") + "."

        var actions: [String] = []
        let toRejected = flips.filter { $0.change.hasSuffix("-> rejected") }.reduce(0) { $0 + $1.count }
        let toPlain = flips.filter { $0.change.hasSuffix("-> accepted, not encrypted") }.reduce(0) { $0 + $1.count }
        let toAccepted = flips.filter { $0.change.hasPrefix("rejected") && $0.change.contains("-> accepted") }
            .reduce(0) { $0 + $1.count }
        let otherFlips = s.caseCount(.outcome) - toRejected - toPlain - toAccepted
        if toRejected > 0 {
            actions.append("\(toRejected) connections that worked will be refused: find the clients they stand for")
        }
        if toPlain > 0 {
            actions.append(
                "\(toPlain) connections fall back to plaintext: require sslmode=require or hostssl where it matters")
        }
        if toAccepted > 0 {
            actions.append("\(toAccepted) connections refused before are let in: check pg_hba.conf still means it")
        }
        if otherFlips > 0 { actions.append("\(otherFlips) other outcome changes: read them below") }
        if !messages.isEmpty { actions.append("update client-side error matching that looks for the old wording") }
        if !logs.isEmpty { actions.append("update log monitoring/alert patterns for the changed server log lines") }
        if s.caseCount(.cases) > 0 { actions.append("record a new baseline: the set of cases changed") }
        if actions.isEmpty {
            action = "nothing: every case behaves and reads as recorded."
        } else {
            let noConfig = flips.isEmpty ? "no configuration change needed; " : ""
            action = noConfig + actions.joined(separator: "; ") + "."
        }
    }

    static func kinds(_ n: Int) -> String { n == 1 ? "1 kind" : "\(n) kinds" }
    static func cases(_ n: Int) -> String { n == 1 ? "1 case" : "\(n) cases" }

    /// "libpq 2, server 1": how many kinds each side wrote.
    static func sides(_ entries: [DriftEntry]) -> String {
        var counts: [String: Int] = [:]
        for e in entries { counts[e.side.prefix { $0 != " " }.description, default: 0] += 1 }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
    }
}
