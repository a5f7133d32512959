import Foundation
import Scenarios

/// JUnit XML for CI dashboards: one testsuite per cluster group, one testcase per case.
enum JUnitReport {
    static func render(_ report: MatrixReport) -> String {
        var byGroup: [String: [CaseResult]] = [:]
        var order: [String] = []
        for r in report.results {
            if byGroup[r.group] == nil { order.append(r.group) }
            byGroup[r.group, default: []].append(r)
        }
        var out = [#"<?xml version="1.0" encoding="UTF-8"?>"#,
                   #"<testsuites name="pg-ssl-matrix" tests="\#(report.results.count)" failures="\#(report.disagreements)" errors="\#(report.errors)" skipped="\#(report.skipped)" time="\#(String(format: "%.3f", report.elapsed))">"#]
        for group in order {
            let rs = byGroup[group]!
            let failures = rs.filter { $0.verdict == .disagree }.count
            let errors = rs.filter { $0.verdict == .error }.count
            let skipped = rs.filter { $0.verdict == .skipped }.count
            out.append(#"  <testsuite name="\#(xml(group))" tests="\#(rs.count)" failures="\#(failures)" errors="\#(errors)" skipped="\#(skipped)">"#)
            for r in rs {
                let observed = r.observed?.shortDescription ?? "(not run)"
                out.append(#"    <testcase classname="\#(xml(group))" name="\#(xml(r.id))">"#)
                switch r.verdict {
                case .agree: break
                case .disagree:
                    out.append(#"      <failure message="model and reality disagree">\#(xml(r.differences.joined(separator: "\n") + "\nrules:\n" + r.rules.joined(separator: "\n")))</failure>"#)
                case .error: out.append(#"      <error message="\#(xml(r.differences.first ?? "error"))"/>"#)
                case .skipped: out.append(#"      <skipped message="\#(xml(r.differences.first ?? ""))"/>"#)
                }
                out.append("      <system-out>\(xml(observed))</system-out>")
                out.append("    </testcase>")
            }
            out.append("  </testsuite>")
        }
        out.append("</testsuites>")
        return out.joined(separator: "\n") + "\n"
    }

    static func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
