import Foundation
import Scenarios

/// JUnit XML for CI dashboards: one testsuite per cluster group (per installation when
/// there are several: "15.18 #2: group"), one testcase per case. A version the model does
/// not know reports its cases as passed with the observation in system-out (observed only).
enum JUnitReport {
    static func render(_ report: MatrixReport) -> String { render(ReportSet([report])) }

    static func render(_ set: ReportSet) -> String {
        let tests = set.runs.reduce(0) { $0 + $1.results.count }
        let failures = set.runs.reduce(0) { $0 + ($1.modelKnowsVersion ? $1.disagreements : 0) }
        let errors = set.runs.reduce(0) { $0 + $1.errors }
        let skipped = set.runs.reduce(0) { $0 + $1.skipped }
        let time = set.runs.reduce(0) { $0 + $1.elapsed }
        var out = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="pg-ssl-matrix" tests="\#(tests)" failures="\#(failures)" errors="\#(errors)" skipped="\#(skipped)" time="\#(String(format: "%.3f", time))">"#,
        ]
        for (name, report) in zip(set.names, set.runs) {
            out += suites(report, prefix: set.runs.count > 1 ? "\(name): " : "")
        }
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    static func suites(_ report: MatrixReport, prefix: String) -> [String] {
        var byGroup: [String: [CaseResult]] = [:]
        var order: [String] = []
        for r in report.results {
            if byGroup[r.group] == nil { order.append(r.group) }
            byGroup[r.group, default: []].append(r)
        }
        let judged = report.modelKnowsVersion
        var out: [String] = []
        for group in order {
            let rs = byGroup[group]!
            let failures = judged ? rs.filter { $0.verdict == .disagree }.count : 0
            let errors = rs.filter { $0.verdict == .error }.count
            let skipped = rs.filter { $0.verdict == .skipped }.count
            out.append(
                #"  <testsuite name="\#(xml(prefix + group))" tests="\#(rs.count)" failures="\#(failures)" errors="\#(errors)" skipped="\#(skipped)">"#
            )
            if !judged {
                out.append(
                    #"    <properties><property name="model" value="unknown version, observed only"/></properties>"#)
            }
            for r in rs {
                let observed = r.observed?.shortDescription ?? "(not run)"
                out.append(#"    <testcase classname="\#(xml(prefix + group))" name="\#(xml(r.id))">"#)
                switch r.verdict {
                case .agree: break
                case .disagree where !judged: break
                case .disagree:
                    out.append(
                        #"      <failure message="model and reality disagree">\#(xml(r.differences.joined(separator: "\n") + "\nrules:\n" + r.rules.joined(separator: "\n")))</failure>"#
                    )
                case .error: out.append(#"      <error message="\#(xml(r.differences.first ?? "error"))"/>"#)
                case .skipped: out.append(#"      <skipped message="\#(xml(r.differences.first ?? ""))"/>"#)
                }
                out.append("      <system-out>\(xml(observed))</system-out>")
                out.append("    </testcase>")
            }
            out.append("  </testsuite>")
        }
        return out
    }

    /// Escapes text for XML attributes and content; drops characters XML 1.0 forbids.
    static func xml(_ s: String) -> String {
        let allowed = String(
            String.UnicodeScalarView(
                s.unicodeScalars.filter {
                    $0 == "\t" || $0 == "\n" || $0 == "\r" || $0.value >= 0x20
                }))
        return allowed.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
