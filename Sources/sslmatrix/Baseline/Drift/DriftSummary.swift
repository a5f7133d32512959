import Foundation

/// A baseline diff summarised by kind of change: outcome flips first, then TLS changes,
/// then message and server-log changes, each kind once with its count, the side that
/// writes the text, a word diff and example cases.
///
/// Cases are grouped by the edit itself (the words removed and put in), with the varying
/// context (user names, file paths, line numbers) masked only for grouping: 646 cases
/// whose FATAL gained the same words are one entry, shown with one real example.
struct DriftSummary: Codable, Sendable {
    var entries: [DriftEntry]
    /// Cases compared, and cases with any change.
    var compared: Int
    var changedCases: Int
    /// What differs between the two recordings' versions ("server 15.18 -> 18.6").
    var versionChanges: [String]

    init(_ diff: BaselineDiff, before: VersionInfo?, after: VersionInfo?) {
        compared = diff.compared
        changedCases = diff.changes.count
        let delta = VersionDelta(before: before, after: after)
        versionChanges = delta.lines
        var groups: [Key: (first: (String?, String?), cases: [String])] = [:]
        func add(_ key: Key, _ id: String, _ before: String?, _ after: String?) {
            if groups[key] == nil { groups[key] = ((before, after), []) }
            if groups[key]!.cases.last != id { groups[key]!.cases.append(id) }
        }
        for change in diff.changes {
            for (key, before, after) in Self.edits(change) { add(key, change.id, before, after) }
        }
        entries = groups.map { key, value in
            DriftEntry(
                category: key.category, change: key.change, side: delta.annotate(key.side),
                before: value.first.0, after: value.first.1, cases: value.cases.sorted())
        }.sorted { a, b in
            (a.category, -a.count, a.change, a.side, a.cases.first ?? "")
                < (b.category, -b.count, b.change, b.side, b.cases.first ?? "")
        }
    }

    func entries(_ category: DriftEntry.Category) -> [DriftEntry] { entries.filter { $0.category == category } }

    /// Distinct cases with at least one change of `category`.
    func caseCount(_ category: DriftEntry.Category) -> Int {
        Set(entries(category).flatMap(\.cases)).count
    }

    var isEmpty: Bool { entries.isEmpty }

    /// What a change is grouped by.
    struct Key: Hashable {
        var category: DriftEntry.Category
        var change: String
        var side: TextOrigin.RawValue
        /// The edit with run- and case-specific values masked.
        var shape: String
    }

    /// Every kind of change one case shows. A flipped outcome is reported as the flip only:
    /// its message and log necessarily changed with it.
    static func edits(_ c: BaselineDiff.Change) -> [(Key, String?, String?)] {
        guard let b = c.before, let a = c.after else {
            let only = (c.before ?? c.after)!
            let change = c.before == nil ? "case added" : "case removed"
            let text = only.outcomeDescription
            return [
                (
                    Key(category: .cases, change: change, side: "-", shape: ""), c.before.map { _ in text },
                    c.after.map { _ in text }
                )
            ]
        }
        if b.outcome != a.outcome || b.encrypted != a.encrypted {
            let change = "\(b.outcomeDescription) -> \(a.outcomeDescription)"
            let key = Key(category: .outcome, change: change, side: decidingSide(b, a), shape: "")
            return [(key, b.message ?? b.outcomeDescription, a.message ?? a.outcomeDescription)]
        }
        var out: [(Key, String?, String?)] = []
        if b.protocol != a.protocol || b.cipher != a.cipher {
            let tb = "\(b.protocol ?? "-") \(b.cipher ?? "-")", ta = "\(a.protocol ?? "-") \(a.cipher ?? "-")"
            out.append((Key(category: .tls, change: "negotiated", side: "OpenSSL", shape: tb + "->" + ta), tb, ta))
        }
        if b.message != a.message {
            out += hunks(b.message ?? "", a.message ?? "", category: .message, source: .clientMessage)
        }
        if b.serverLog != a.serverLog { out += logEdits(b.serverLog, a.serverLog) }
        if out.isEmpty, b != a {
            out.append((Key(category: .message, change: "other field", side: "-", shape: ""), "\(b)", "\(a)"))
        }
        return out
    }

    /// Who decided a flipped outcome: the server when the rejecting side's log has its FATAL,
    /// else libpq (it refused, or retried without TLS).
    static func decidingSide(_ b: BaselineCase, _ a: BaselineCase) -> String {
        let rejecting = a.outcome == "accepted" ? b : a
        if rejecting.outcome == "server-did-not-start" { return TextOrigin.server.rawValue }
        return rejecting.serverLog.contains { $0.hasPrefix("FATAL:") }
            ? TextOrigin.server.rawValue : TextOrigin.libpq.rawValue
    }

    /// One entry per place the words differ, attributed by what precedes it on its line.
    static func hunks(
        _ old: String, _ new: String, category: DriftEntry.Category, source: TextOrigin.Source
    ) -> [(Key, String?, String?)] {
        let diff = WordDiff(old, new)
        var seen = Set<Key>()
        return diff.hunks.compactMap { hunk in
            let prefix =
                diff.segments[..<hunk.segmentIndex].filter { $0.kind != .inserted }.map(\.text)
                .joined(separator: " ") + " "
            let side = TextOrigin.of(prefix: prefix, source: source)
            let change = hunk.deleted.isEmpty ? "words added" : hunk.inserted.isEmpty ? "words removed" : "reworded"
            let key = Key(
                category: category, change: change, side: side.rawValue,
                shape: mask(hunk.deleted) + "\u{1}" + mask(hunk.inserted))
            guard seen.insert(key).inserted else { return nil }
            return (key, old.isEmpty ? nil : old, new.isEmpty ? nil : new)
        }
    }

    /// Server log lines: lines both have are unchanged; a removed and an added line of the
    /// same severity are one reworded line; the rest were added or removed.
    static func logEdits(_ old: [String], _ new: [String]) -> [(Key, String?, String?)] {
        let common = Set(old).intersection(new)
        let removed = old.filter { !common.contains($0) }
        var added = new.filter { !common.contains($0) }
        var out: [(Key, String?, String?)] = []
        var unpaired: [String] = []
        for line in removed {
            if let match = added.firstIndex(where: { severity($0) == severity(line) }) {
                out += hunks(line, added[match], category: .log, source: .serverLog)
                added.remove(at: match)
            } else {
                unpaired.append(line)
            }
        }
        for line in unpaired {
            out.append((Key(category: .log, change: "line removed", side: "server", shape: stem(line)), line, nil))
        }
        for line in added {
            out.append((Key(category: .log, change: "line added", side: "server", shape: stem(line)), nil, line))
        }
        return out
    }

    static func severity(_ line: String) -> Substring { line.prefix { $0 != ":" } }

    /// What identifies a whole added or removed log line as one kind: its severity and the
    /// fixed words up to the next colon ("DETAIL:  Client certificate verification failed at
    /// depth N"), so one new DETAIL is one entry whatever certificate error it carries.
    static func stem(_ line: String) -> String {
        let masked = mask(line)
        let parts = masked.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.prefix(2).joined(separator: ":")
    }

    /// Masks what varies from case to case inside one kind of change: quoted values,
    /// numbers, certificate names in serial placeholders.
    static func mask(_ text: String) -> String {
        text.replacingOccurrences(of: #""[^"]*""#, with: "\"…\"", options: .regularExpression)
            .replacingOccurrences(of: #"<SERIAL:[^>]*>"#, with: "<SERIAL>", options: .regularExpression)
            .replacingOccurrences(of: #"[0-9]+"#, with: "N", options: .regularExpression)
    }
}
