import Testing

@testable import Scenarios

/// A case that could not run (a dead server, a failed set-up) is not a disagreement and must
/// never be listed under that heading: a crash would read like a model bug.
@Suite("reports: problems split by what went wrong")
struct ProblemListTests {
    static func result(_ id: String, _ verdict: CaseResult.Verdict, _ why: String) -> CaseResult {
        CaseResult(
            id: id, group: "g", verdict: verdict, differences: [why], expected: "accepted(ssl, postgres)",
            rules: verdict == .disagree ? ["rule that predicted it"] : [], observed: nil)
    }

    let results = [
        result("a", .agree, ""),
        result("b", .disagree, "expected accepted; observed rejected"),
        result("c", .error, "could not run: the server died"),
        result("d", .skipped, "needs a non-root client"),
        result("e", .error, "could not run: the server died"),
    ]

    @Test("disagreements and could-not-run cases get their own headings; agree and skipped are not listed")
    func split() {
        let problems = ProblemList(results)
        #expect(problems.sections.map(\.title) == ["Disagreements", "Could not run"])
        #expect(problems.sections.map { $0.results.map(\.id) } == [["b"], ["c", "e"]])
        let text = problems.text(show: 20) { "  " + $0 }
        #expect(text.contains("Disagreements (1):"))
        #expect(text.contains("Could not run (2):"))
        let couldNotRun = try! #require(text.firstIndex(of: "Could not run (2):"))
        #expect(!text[couldNotRun...].contains("✘ b"), "the disagreement is listed under 'Could not run'")
    }

    @Test("only errors: no 'Disagreements' heading at all")
    func onlyErrors() {
        let text = ProblemList(results.filter { $0.verdict == .error }).text(show: 20) { $0 }
        #expect(!text.contains { $0.hasPrefix("Disagreements") })
        #expect(text.contains("Could not run (2):"))
    }

    @Test("a version the model does not claim: differences are observed only, errors are still listed")
    func unknownVersion() {
        let problems = ProblemList(results, modelKnowsVersion: false)
        #expect(problems.sections.map(\.title) == ["Could not run"])
    }

    @Test("--show caps the listed cases across both sections")
    func cap() {
        let text = ProblemList(results).text(show: 2) { $0 }
        #expect(text.filter { $0.hasPrefix("✘ ") } == ["✘ b", "✘ c"])
        #expect(text.contains("Could not run (2, first 1):"))
    }
}
