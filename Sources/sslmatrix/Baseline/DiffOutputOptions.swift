import ArgumentParser
import Foundation

/// How `baseline diff` and `baseline compare` print and when they fail.
struct DiffOutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, html, json }

    /// What `--fail-on` can gate on; `any` is every kind (the default).
    enum Gate: String, ExpressibleByArgument, CaseIterable {
        case outcome, tls, message, log, cases, any

        var categories: Set<DriftEntry.Category> {
            switch self {
            case .outcome: return [.outcome]
            case .tls: return [.tls]
            case .message: return [.message]
            case .log: return [.log]
            case .cases: return [.cases]
            case .any: return Set(DriftEntry.Category.allCases)
            }
        }
    }

    @Option(help: "Output: text (default), markdown, html or json.") var format: Format = .text
    @Flag(help: "List every changed case under its kind of change (default: three examples).") var all = false
    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Exit 1 only for these kinds of change: outcome (accepted<->rejected, encrypted<->plaintext), tls, message, log, cases, any (default).",
            valueName: "kind"))
    var failOn: [Gate] = [.any]
    @Option(help: "Write the report to this file instead of standard output.") var output: String?
    @Option(help: "Title of a markdown report (default: the two recordings' names).") var title: String?

    /// Prints the report and returns the exit status: 0 nothing that gates changed, 1 drift.
    func finish(_ report: DriftReport) throws -> Int32 {
        let text: String
        switch format {
        case .text: text = report.text(all: all)
        case .markdown: text = report.markdown(all: all, title: title)
        case .html: text = report.html(all: all)
        case .json: text = JSONReport.render(report)
        }
        try emit(text, to: output)
        if output != nil, format != .text {
            // The one-line verdict still reaches the terminal or CI log.
            FileHandle.standardError.write(Data("\(report.headline)\n".utf8))
        }
        let gates = failOn.reduce(into: Set<DriftEntry.Category>()) { $0.formUnion($1.categories) }
        return report.drifts(in: gates) ? 1 : 0
    }
}
