import ArgumentParser
import Foundation

/// `sslmatrix report FILE.json`: renders a saved JSON report (`matrix --format json`) in
/// another format without running anything, e.g. the HTML page from a CI artifact;
/// `sslmatrix report merge`: joins the reports of N shards into one.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Render a saved `matrix --format json` report as text, markdown, junit or html; merge shards' reports.",
        discussion:
            "`sslmatrix report merge FILE... [--output FILE]` joins the JSON reports of N shards (`matrix --shard K/N --format json`) into one: byte for byte what one unsharded run writes, but for `elapsed` (the slowest shard's). (A report file named merge: give it as ./merge.)"
    )

    @Argument(help: "A JSON report (one installation, or {\"runs\": [...]}); or `merge` and the shards' reports.")
    var input: String
    @Argument(help: "With `merge`: the N shard reports.") var shardReports: [String] = []
    @Option(help: "Output: text, json, markdown, junit, html.") var format: ReportFormat = .html
    @Option(help: "Write here instead of standard output.") var output: String?
    @Option(help: "Compare with this baseline file and show the drift.") var baseline: String?
    @Flag(help: "Text: the wide form instead of compact heatmaps in 120 columns.") var wide = false
    @OptionGroup var installation: AcceptedInstallationOptions

    func validate() throws {
        if input != "merge" && !shardReports.isEmpty {
            throw ValidationError("give one report to render (or `report merge FILE...` to join shards)")
        }
        if input == "merge" && shardReports.isEmpty { throw ValidationError("give the shard reports to merge") }
    }

    func run() async throws {
        if input == "merge" { return try merge() }
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
                        versions: set.runs[i].versions, filter: nil, sources: ["matrix"],
                        results: set.runs[i].results)
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

    /// `report merge FILE...`: written as an argument, not a subcommand, so `report FILE`
    /// keeps working (a command with a positional argument cannot also route subcommands).
    func merge() throws {
        do {
            let parts = try shardReports.map { ($0, try ReportMerge.load($0)) }
            try emit(try ReportMerge.merge(parts).render(.json), to: output)
        } catch let error as ReportFileError {
            throw failClearly(error)
        } catch let error as ShardMerge.Failure {
            throw failClearly(error)
        }
    }
}
