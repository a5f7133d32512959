/// A word-level diff of two texts (longest common subsequence over whitespace-separated
/// words), the form in which a reworded message is easiest to read: only the words that
/// changed are marked, the rest stays as the reader knows it.
struct WordDiff: Codable, Sendable, Hashable {
    struct Segment: Codable, Sendable, Hashable {
        enum Kind: String, Codable, Sendable { case same, deleted, inserted }
        var kind: Kind
        var text: String
    }

    /// One place where the texts differ: the words removed and the words put in.
    struct Hunk: Sendable, Hashable {
        var deleted: String
        var inserted: String
        /// Index of the hunk's first segment in `segments`.
        var segmentIndex: Int
    }

    var segments: [Segment]

    init(segments: [Segment]) { self.segments = segments }

    init(_ old: String, _ new: String) {
        let a = Self.words(old), b = Self.words(new)
        // Common prefix and suffix first: messages differ in a few words, so the quadratic
        // table is only built for the middle.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let midA = Array(a[prefix..<(a.count - suffix)]), midB = Array(b[prefix..<(b.count - suffix)])
        var ops: [(Segment.Kind, String)] = a[..<prefix].map { (.same, $0) }
        ops += Self.lcs(midA, midB)
        ops += a[(a.count - suffix)...].map { (.same, $0) }
        var segments: [Segment] = []
        for (kind, word) in ops {
            if let last = segments.last, last.kind == kind {
                segments[segments.count - 1].text += " " + word
            } else {
                segments.append(Segment(kind: kind, text: word))
            }
        }
        self.segments = segments
    }

    var isEqual: Bool { segments.allSatisfy { $0.kind == .same } }

    /// The changed places, in order; a deletion directly followed by an insertion is one hunk.
    var hunks: [Hunk] {
        var out: [Hunk] = []
        var i = 0
        while i < segments.count {
            guard segments[i].kind != .same else {
                i += 1
                continue
            }
            var hunk = Hunk(deleted: "", inserted: "", segmentIndex: i)
            while i < segments.count, segments[i].kind != .same {
                if segments[i].kind == .deleted {
                    hunk.deleted += (hunk.deleted.isEmpty ? "" : " ") + segments[i].text
                } else {
                    hunk.inserted += (hunk.inserted.isEmpty ? "" : " ") + segments[i].text
                }
                i += 1
            }
            out.append(hunk)
        }
        return out
    }

    /// The diff with unchanged runs longer than `context` words on either side of a change
    /// shortened to "…", so one line shows what changed and enough to recognise the message.
    func trimmed(context: Int) -> WordDiff {
        var out: [Segment] = []
        for (index, segment) in segments.enumerated() {
            guard segment.kind == .same else {
                out.append(segment)
                continue
            }
            let words = segment.text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let first = index == 0, last = index == segments.count - 1
            let keepHead = first ? 0 : context, keepTail = last ? 0 : context
            if words.count <= keepHead + keepTail + 1 || (first && last) {
                out.append(segment)
                continue
            }
            var kept: [String] = Array(words.prefix(keepHead))
            kept.append("…")
            kept += words.suffix(keepTail)
            out.append(Segment(kind: .same, text: kept.joined(separator: " ")))
        }
        return WordDiff(segments: out)
    }

    /// `[-old words-]{+new words+}` inline, as `git diff --word-diff` prints it.
    var plain: String {
        segments.map { s in
            switch s.kind {
            case .same: return s.text
            case .deleted: return "[-" + s.text + "-]"
            case .inserted: return "{+" + s.text + "+}"
            }
        }.joined(separator: " ")
    }

    /// Words of a message: runs of non-whitespace; a line break counts as a word of its own
    /// (shown as "⏎") so a new line in a message is visible in the diff.
    static func words(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().flatMap { index, line in
            (index == 0 ? [] : ["⏎"]) + line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
    }

    static func lcs(_ a: [String], _ b: [String]) -> [(Segment.Kind, String)] {
        let n = a.count, m = b.count
        if n == 0 { return b.map { (.inserted, $0) } }
        if m == 0 { return a.map { (.deleted, $0) } }
        var table = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out: [(Segment.Kind, String)] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                out.append((.same, a[i]))
                i += 1
                j += 1
            } else if j == m || (i < n && table[i + 1][j] >= table[i][j + 1]) {
                // Deletions first at a tie, so a replacement prints as [-old-]{+new+}.
                out.append((.deleted, a[i]))
                i += 1
            } else {
                out.append((.inserted, b[j]))
                j += 1
            }
        }
        return out
    }
}
