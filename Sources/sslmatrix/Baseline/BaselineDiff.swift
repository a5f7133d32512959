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
}
