import Scenarios

/// The counts every report states, so none overclaims: how many cases the matrix generated,
/// how many really ran against the server, how many were skipped and why, and how many
/// disagree with the model. A skipped case is never counted as checked.
struct MatrixCounts: Codable, Sendable, Hashable {
    var generated: Int
    var run: Int
    var agree: Int
    var disagree: Int
    var errors: Int
    var skipped: Int
    /// Why cases were skipped, with how many each reason covers (most first).
    var skipReasons: [SkipReason]

    struct SkipReason: Codable, Sendable, Hashable {
        var reason: String
        var cases: Int
    }

    init(_ results: [CaseResult]) {
        generated = results.count
        agree = results.filter { $0.verdict == .agree }.count
        disagree = results.filter { $0.verdict == .disagree }.count
        errors = results.filter { $0.verdict == .error }.count
        skipped = results.filter { $0.verdict == .skipped }.count
        run = generated - skipped
        var reasons: [String: Int] = [:]
        for r in results where r.verdict == .skipped {
            reasons[r.differences.first ?? "no reason given", default: 0] += 1
        }
        skipReasons = reasons.map { SkipReason(reason: $0.key, cases: $0.value) }.sorted {
            ($0.cases, $1.reason) > ($1.cases, $0.reason)
        }
    }

    /// "11076 cases generated: 10956 run (10956 agree, 0 disagree, 0 errors), 120 skipped".
    var line: String {
        "\(generated) cases generated: \(run) run (\(agree) agree, \(disagree) disagree, \(errors) errors), \(skipped) skipped"
    }

    /// One line per skip reason: "120 skipped: ...".
    var skipLines: [String] { skipReasons.map { "\($0.cases) skipped: \($0.reason)" } }
}
