/// The cases a report must show a person, split by what went wrong.
///
/// A disagreement says the model or PostgreSQL is wrong; a case that could not run (a server
/// that died, a set-up failure) says nothing about either. Listing both under one heading made
/// a crash read like a model bug, so every report takes its problem headings from here.
public struct ProblemList: Sendable {
    public struct Section: Sendable {
        /// "Disagreements" or "Could not run".
        public let title: String
        public let results: [CaseResult]
    }

    public let sections: [Section]

    /// `modelKnowsVersion`: when the model claims nothing for this version, a difference is
    /// "observed only" and not listed as a disagreement.
    public init(_ results: [CaseResult], modelKnowsVersion: Bool = true) {
        let disagreements = modelKnowsVersion ? results.filter { $0.verdict == .disagree } : []
        let couldNotRun = results.filter { $0.verdict == .error }
        sections = [
            Section(title: "Disagreements", results: disagreements),
            Section(title: "Could not run", results: couldNotRun),
        ].filter { !$0.results.isEmpty }
    }

    public var isEmpty: Bool { sections.isEmpty }

    /// The text form shared by the wide and compact terminal reports: a heading per section
    /// ("Disagreements (3):"), then each case with its differences and the rules behind it;
    /// at most `show` cases in all.
    public func text(show: Int, indent: (String) -> String) -> [String] {
        var out: [String] = []
        var left = show
        for section in sections {
            let count = section.results.count
            out.append("")
            out.append("\(section.title) (\(count)\(count > left ? ", first \(left)" : "")):")
            for result in section.results.prefix(left) {
                out.append("")
                out.append("✘ \(result.id)")
                result.differences.forEach { out.append(indent($0)) }
                if !result.rules.isEmpty {
                    out.append("  rules:")
                    result.rules.forEach { out.append("    - \($0)") }
                }
            }
            left = max(0, left - count)
        }
        return out
    }
}
