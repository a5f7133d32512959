import ClusterKit
import Foundation
import Scenarios

/// Joins the JSON reports of N shards (`matrix --shard K/N --format json`) into the report
/// one unsharded run writes.
///
/// Results come back in the matrix's own group order (a group's cases keep their order: a
/// group never crosses shards), the counts are recounted, and `shard` is dropped, so the
/// merged file is byte for byte the unsharded run's except `elapsed`: no two runs share a
/// wall time, and the merge writes the slowest shard's (what the sharded CI run waited for).
/// Every part must be there once and come from the same versions and settings; a report
/// compared with a baseline is refused (merge first, then `report --baseline`).
enum ReportMerge {
    static func merge(_ parts: [(path: String, set: ReportSet)]) throws -> ReportSet {
        guard let first = parts.first else { return ReportSet([]) }
        for (path, part) in parts where part.runs.count != first.set.runs.count {
            throw ShardMerge.Failure.mismatch(path: path, what: "number of installations")
        }
        let order = Dictionary(
            MatrixDefinition.groups.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var runs: [MatrixReport] = []
        for index in first.set.runs.indices {
            let reports = parts.map { (path: $0.path, report: $0.set.runs[index]) }
            try ShardMerge.checkComplete(reports.map { ($0.path, $0.report.shard) })
            var merged = reports[0].report
            for (path, report) in reports {
                if report.baselineDiff != nil || report.baselinePath != nil {
                    throw ShardMerge.Failure.mismatch(
                        path: path, what: "kind of report (it was compared with a baseline: merge plain reports)")
                }
                if report.driver != nil {
                    throw ShardMerge.Failure.mismatch(path: path, what: "kind of report (a driver run)")
                }
                if report.installation != merged.installation || report.versions != merged.versions
                    || report.serverSettings != merged.serverSettings
                {
                    throw ShardMerge.Failure.mismatch(path: path, what: "installation, versions or server settings")
                }
            }
            var byGroup: [String: [CaseResult]] = [:]
            var seen: Set<String> = []
            for (path, report) in reports {
                for result in report.results {
                    guard order[result.group] != nil else {
                        throw ShardMerge.Failure.mismatch(
                            path: path, what: "group \(result.group) (not a matrix group)")
                    }
                    guard seen.insert(result.id).inserted else { throw ShardMerge.Failure.duplicateCase(id: result.id) }
                    byGroup[result.group, default: []].append(result)
                }
            }
            merged.results = byGroup.keys.sorted { order[$0]! < order[$1]! }.flatMap { byGroup[$0]! }
            merged.counts = MatrixCounts(merged.results)
            merged.elapsed = reports.map(\.report.elapsed).max() ?? 0
            merged.shard = nil
            runs.append(merged)
        }
        return ReportSet(runs)
    }

    /// A `matrix --format json` file: one report, or `{"runs": [...]}`.
    static func load(_ path: String) throws -> ReportSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportFileError.unreadable(path: path)
        }
        if let one = try? JSONDecoder().decode(MatrixReport.self, from: data) { return ReportSet([one]) }
        do {
            return try JSONDecoder().decode(ReportSet.self, from: data)
        } catch {
            throw ReportFileError.notAReport(path: path, reason: "\(error)")
        }
    }
}

/// A report file that cannot be used.
enum ReportFileError: CodedError {
    case unreadable(path: String)
    case notAReport(path: String, reason: String)

    var code: String {
        switch self {
        case .unreadable: "unreadable-report"
        case .notAReport: "not-a-report"
        }
    }

    var description: String {
        switch self {
        case .unreadable(let path): "cannot read \(path): give a file `matrix --format json` wrote"
        case .notAReport(let path, let reason): "\(path) is not a `matrix --format json` report: \(reason)"
        }
    }
}
