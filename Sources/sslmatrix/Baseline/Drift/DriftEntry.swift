/// One kind of change between two baselines, with every case that shows it: the unit a
/// reader acts on ("the pg_hba FATAL now names the file: 646 cases"), instead of 646 cases.
struct DriftEntry: Codable, Sendable {
    /// Kinds of change, in the order a reader must see them: a flipped outcome changes who
    /// gets in (or whether they are encrypted); the rest changes only what is said.
    enum Category: String, Codable, Sendable, CaseIterable, Comparable {
        /// accepted <-> rejected, encrypted <-> plaintext (or a case that no longer runs).
        case outcome
        /// Same outcome, another TLS protocol or cipher.
        case tls
        /// Same outcome, another client-side message.
        case message
        /// Same outcome, other server log lines.
        case log
        /// A case only one of the two recordings has.
        case cases

        var title: String {
            switch self {
            case .outcome: return "outcome flips"
            case .tls: return "TLS protocol/cipher changes"
            case .message: return "message changes"
            case .log: return "server-log changes"
            case .cases: return "cases added or removed"
            }
        }

        static func < (a: Category, b: Category) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    var category: Category
    /// What changed, in a few words: "accepted, encrypted -> rejected", "line added", "reworded".
    var change: String
    /// Which program writes the changed text (server, libpq, OpenSSL), or decided the outcome.
    var side: String
    /// The first case's old and new text (nil: absent on that side) and their word diff.
    var before: String?
    var after: String?
    var wordDiff: WordDiff
    /// Every case showing this change, sorted; `examples` are the first three.
    var cases: [String]
    var count: Int { cases.count }
    var examples: [String] { Array(cases.prefix(3)) }

    enum CodingKeys: String, CodingKey { case category, change, side, before, after, wordDiff, cases, count }

    init(
        category: Category, change: String, side: String, before: String?, after: String?, cases: [String]
    ) {
        self.category = category
        self.change = change
        self.side = side
        self.before = before
        self.after = after
        self.wordDiff = WordDiff(before ?? "", after ?? "")
        self.cases = cases
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        category = try c.decode(Category.self, forKey: .category)
        change = try c.decode(String.self, forKey: .change)
        side = try c.decode(String.self, forKey: .side)
        before = try c.decodeIfPresent(String.self, forKey: .before)
        after = try c.decodeIfPresent(String.self, forKey: .after)
        wordDiff = try c.decode(WordDiff.self, forKey: .wordDiff)
        cases = try c.decode([String].self, forKey: .cases)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(category, forKey: .category)
        try c.encode(change, forKey: .change)
        try c.encode(side, forKey: .side)
        try c.encodeIfPresent(before, forKey: .before)
        try c.encodeIfPresent(after, forKey: .after)
        try c.encode(wordDiff, forKey: .wordDiff)
        try c.encode(cases, forKey: .cases)
        try c.encode(count, forKey: .count)
    }
}
