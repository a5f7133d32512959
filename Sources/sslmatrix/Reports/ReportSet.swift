import Foundation
import Scenarios

/// The reports of one command, one per installation, rendered together so versions can be
/// read side by side. With one installation every format looks as it always did.
struct ReportSet: Codable, Sendable {
    var runs: [MatrixReport]

    init(_ runs: [MatrixReport]) { self.runs = runs }

    /// Column names that stay distinct when the same installation ran twice.
    var names: [String] {
        var seen: [String: Int] = [:]
        return runs.map { r in
            seen[r.shortName, default: 0] += 1
            let n = seen[r.shortName]!
            return n == 1 ? r.shortName : "\(r.shortName) #\(n)"
        }
    }

    /// `style` shapes text only: compact heatmaps within its width, or the wide form.
    func render(_ format: ReportFormat, showDisagreements: Int = 20, style: TerminalStyle = .plain) -> String {
        switch format {
        case .text:
            let sections = runs.map {
                style.wide
                    ? TextReport.render($0, show: showDisagreements)
                    : CompactTextReport.render($0, show: showDisagreements, style: style)
            }
            let drivers = DriverSections.text(self)
            return sections.joined(separator: "\n") + (style.wide ? crossText : style.wrapAll(crossText))
                + (style.wide ? drivers : style.wrapAll(drivers))
        case .json: return runs.count == 1 ? JSONReport.render(runs[0]) : JSONReport.render(self)
        case .markdown: return MarkdownReport.render(self) + DriverSections.markdown(self)
        case .junit: return JUnitReport.render(self)
        case .html: return HTMLReport.render(self)
        }
    }

    /// Cases whose observed outcome differs between installations (id -> symbol per run).
    var crossDifferences: [(id: String, observed: [String])] {
        guard runs.count > 1 else { return [] }
        let maps = runs.map { Dictionary($0.results.map { ($0.id, $0.observed) }, uniquingKeysWith: { a, _ in a }) }
        let ids = Set(runs.flatMap { $0.results.map(\.id) }).sorted()
        return ids.compactMap { id in
            let values = maps.map { $0[id] ?? nil }
            let descriptions = values.map { $0?.shortDescription ?? "(not run)" }
            return Set(values.map { $0.map(BaselineComparable.init) }).count > 1 ? (id, descriptions) : nil
        }
    }

    private var crossText: String {
        guard runs.count > 1 else { return "" }
        let diffs = crossDifferences
        var out = [
            "", "Between installations (\(names.joined(separator: " | "))): \(diffs.count) cases observed differently",
        ]
        for d in diffs.prefix(50) {
            out.append("  \(d.id)")
            for (name, o) in zip(names, d.observed) { out.append("    \(name): \(o)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// The fields of an observation that a baseline compares (attempt count left out).
struct BaselineComparable: Hashable {
    var kind: ObservedSummary.Kind, encrypted: Bool?, proto: String?, cipher: String?, message: String?, log: [String]
    init(_ o: ObservedSummary) {
        (kind, encrypted, proto, cipher, message, log) = (
            o.kind, o.encrypted, o.protocol, o.cipher, o.message, o.serverLog
        )
    }
}
