import ArgumentParser
import Foundation

/// `sslmatrix report FILE.json`: renders a saved JSON report (`matrix --format json`) in
/// another format without running anything, e.g. the HTML page from a CI artifact.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a saved `matrix --format json` report as text, markdown, junit or html.")

    @Argument(help: "A JSON report (one installation, or {\"runs\": [...]}).") var input: String
    @Option(help: "Output: text, json, markdown, junit, html.") var format: ReportFormat = .html
    @Option(help: "Write here instead of standard output.") var output: String?
    @Option(help: "Compare with this baseline file and show the drift.") var baseline: String?
    @Flag(help: "Text: the wide form instead of compact heatmaps in 120 columns.") var wide = false
    @OptionGroup var installation: AcceptedInstallationOptions

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: input) else {
            throw failClearly(ValidationError("cannot read \(input)"))
        }
        var set: ReportSet
        do {
            if let one = try? JSONDecoder().decode(MatrixReport.self, from: data) {
                set = ReportSet([one])
            } else {
                set = try JSONDecoder().decode(ReportSet.self, from: data)
            }
        } catch {
            throw failClearly(ValidationError("\(input) is not a `matrix --format json` report: \(error)"))
        }
        if let baseline {
            do {
                let recorded = try Baseline.load(baseline)
                for i in set.runs.indices {
                    let now = Baseline(
                        versions: set.runs[i].versions, filter: nil, sources: ["matrix"], results: set.runs[i].results)
                    // The report may come from a filtered run: compare the groups it ran.
                    let groups = Set(now.cases.values.map(\.group))
                    var diff = BaselineDiff(
                        before: recorded.cases.filter { groups.contains($0.value.group) }, after: now.cases)
                    diff.baselineVersions = recorded.header.versions
                    set.runs[i].baselinePath = baseline
                    set.runs[i].baselineDiff = diff
                }
            } catch let error as BaselineError {
                throw failClearly(error)
            }
        }
        let style = output == nil ? TerminalStyle.forStandardOutput(wide: wide) : TerminalStyle(wide: wide)
        try emit(set.render(format, style: style), to: output)
    }
}
