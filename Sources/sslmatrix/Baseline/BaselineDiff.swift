import Foundation

/// How a run differs from a baseline, case by case, sorted into the kinds of change a
/// reviewer reads differently: a flipped outcome is a behaviour change; a reworded message
/// or a new log line is usually a release note.
struct BaselineDiff: Codable, Sendable {
    enum Kind: String, Codable, Sendable, CaseIterable {
        case outcomeFlipped = "outcome flipped"
        case messageChanged = "message wording changed"
        case protocolOrCipherChanged = "protocol/cipher changed"
        case serverLogChanged = "server log changed"
        case otherChanged = "other field changed"
        case added = "case added"
        case removed = "case removed"
    }

    struct Change: Codable, Sendable {
        var id: String
        /// Every kind that applies; the change is listed under the first (most important).
        var kinds: [Kind]
        var before: BaselineCase?
        var after: BaselineCase?
    }

    var changes: [Change]
    var compared: Int
    /// The versions the baseline was recorded with (its header).
    var baselineVersions: VersionInfo?

    var isEmpty: Bool { changes.isEmpty }

    /// The changes whose most important kind is `kind`, by case id.
    func changes(_ kind: Kind) -> [Change] { changes.filter { $0.kinds.first == kind } }

    init(before: [String: BaselineCase], after: [String: BaselineCase]) {
        var changes: [Change] = []
        for id in Set(before.keys).union(after.keys).sorted() {
            let b = before[id], a = after[id]
            guard let b, let a else {
                changes.append(Change(id: id, kinds: [b == nil ? .added : .removed], before: b, after: a))
                continue
            }
            let kinds = Self.kinds(b, a)
            if !kinds.isEmpty { changes.append(Change(id: id, kinds: kinds, before: b, after: a)) }
        }
        self.changes = changes
        compared = Set(before.keys).union(after.keys).count
    }

    static func kinds(_ b: BaselineCase, _ a: BaselineCase) -> [Kind] {
        var kinds: [Kind] = []
        if b.outcome != a.outcome || b.encrypted != a.encrypted { kinds.append(.outcomeFlipped) }
        if b.message != a.message { kinds.append(.messageChanged) }
        if b.protocol != a.protocol || b.cipher != a.cipher { kinds.append(.protocolOrCipherChanged) }
        if b.serverLog != a.serverLog { kinds.append(.serverLogChanged) }
        if kinds.isEmpty, b != a { kinds.append(.otherChanged) }
        return kinds
    }

    /// Text for the terminal: a summary line, then per kind every case with before and after.
    func render(baselinePath: String, baseline: VersionInfo, now: VersionInfo) -> String {
        var out = [
            "baseline \(baselinePath)", "  recorded with: \(MatrixReport.versionLine(baseline))",
            "  this run:      \(MatrixReport.versionLine(now))",
        ]
        if isEmpty {
            out.append("no drift: \(compared) cases observed as recorded")
            return out.joined(separator: "\n") + "\n"
        }
        let counts = Kind.allCases.compactMap { k -> String? in
            let n = changes(k).count
            return n == 0 ? nil : "\(n) \(k.rawValue)"
        }
        out.append("DRIFT: \(changes.count) of \(compared) cases changed (\(counts.joined(separator: ", ")))")
        for kind in Kind.allCases {
            let list = changes(kind)
            guard !list.isEmpty else { continue }
            out.append("")
            out.append("== \(kind.rawValue) (\(list.count)) ==")
            for c in list {
                out.append("")
                let also = c.kinds.dropFirst().map(\.rawValue)
                out.append("\(c.id)" + (also.isEmpty ? "" : "  [also: \(also.joined(separator: ", "))]"))
                out += Self.sides(c).map { "  " + $0 }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Before/after lines showing only the fields that differ (whole case when added/removed).
    static func sides(_ c: Change) -> [String] {
        guard let b = c.before, let a = c.after else {
            let only = c.before ?? c.after!
            return fields(only).map { "\(c.before == nil ? "after: " : "before:") \($0.0): \($0.1)" }
        }
        let fb = fields(b), fa = fields(a)
        var out: [String] = []
        for ((name, vb), (_, va)) in zip(fb, fa) where vb != va {
            out.append("before: \(name): \(vb)")
            out.append("after:  \(name): \(va)")
        }
        return out
    }

    static func fields(_ c: BaselineCase) -> [(String, String)] {
        [
            ("outcome", c.outcomeDescription), ("protocol", c.protocol ?? "-"), ("cipher", c.cipher ?? "-"),
            ("user", c.user ?? "-"),
            ("message", c.message.map { $0.replacingOccurrences(of: "\n", with: " | ") } ?? "-"),
            ("server log", c.serverLog.isEmpty ? "-" : c.serverLog.joined(separator: " | ")),
        ]
    }
}
