import ClusterKit
import Foundation

/// A driver run's conformance with libpq: how many cases agree, and every deviation grouped
/// by kind within its class, with example cases; plus which libpq keywords the probe could not
/// hand to its driver, and how often.
public struct DriverConformanceSummary: Codable, Sendable, Hashable {
    public struct Kind: Codable, Sendable, Hashable {
        public var `class`: DriverDeviation.Class
        public var kind: String
        public var count: Int
        /// sslmodes the kind occurs under, sorted.
        public var sslmodes: [String]
        /// Up to five case ids.
        public var examples: [String]
    }

    /// Cases compared (run, not skipped, no harness error).
    public var compared: Int
    public var agree: Int
    public var byClass: [String: Int]
    public var kinds: [Kind]
    public var skipped: Int
    public var errors: Int
    /// libpq keyword -> cases in which the probe reported it unsupported.
    public var unsupported: [String: Int]
    /// Driver settings the probe reported passing (name -> cases).
    public var passed: [String: Int]

    public init(_ results: [CaseResult]) {
        // A case whose server did not start involves no client: nothing to compare.
        let judged = results.filter {
            ($0.verdict == .agree || $0.verdict == .disagree) && $0.observed?.kind != .serverDidNotStart
        }
        compared = judged.count
        agree = judged.filter { $0.deviation == nil }.count
        skipped = results.filter { $0.verdict == .skipped }.count
        errors = results.filter { $0.verdict == .error }.count
        var byClass: [String: Int] = [:]
        var groups: [String: (DriverDeviation, [CaseResult])] = [:]
        for r in judged {
            guard let d = r.deviation else { continue }
            byClass[d.class.rawValue, default: 0] += 1
            let key = d.class.rawValue + "\u{0}" + d.kind
            groups[key, default: (d, [])].1.append(r)
        }
        self.byClass = byClass
        kinds = groups.values.map { d, cases in
            Kind(
                class: d.class, kind: d.kind, count: cases.count,
                sslmodes: Set(cases.compactMap { $0.labels["sslmode"] }).sorted(),
                examples: Array(cases.prefix(5).map(\.id)))
        }.sorted { ($0.class, -$0.count, $0.kind) < ($1.class, -$1.count, $1.kind) }
        var unsupported: [String: Int] = [:]
        var passed: [String: Int] = [:]
        for r in judged {
            for k in r.driver?.unsupported ?? [] { unsupported[k, default: 0] += 1 }
            for k in r.driver?.passed.keys.sorted() ?? [] { passed[k, default: 0] += 1 }
        }
        self.unsupported = unsupported
        self.passed = passed
    }

    public func count(_ c: DriverDeviation.Class) -> Int { byClass[c.rawValue] ?? 0 }

    /// "11148 compared: 9000 agree; 12 security-relevant, 30 stricter, 100 message-only, 6 session detail".
    public var line: String {
        "\(compared) compared: \(agree) agree; "
            + DriverDeviation.Class.allCases.map { "\(count($0)) \($0.rawValue)" }.joined(separator: ", ")
            + (skipped > 0 ? "; \(skipped) skipped" : "") + (errors > 0 ? "; \(errors) could not run" : "")
    }
}
