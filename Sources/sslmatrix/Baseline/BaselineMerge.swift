import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// Joining the JSON of N shards (`--shard K/N`) into what one unsharded run writes.
///
/// Every part must be there exactly once, and the parts must come from the same versions,
/// filter and sources: a merge of mismatched parts would look like a whole run and lie.
enum ShardMerge {
    enum Failure: CodedError {
        case notAShard(path: String)
        case mismatch(path: String, what: String)
        case missing(parts: [Int], of: Int)
        case duplicate(part: Int)
        case duplicateCase(id: String)

        /// Stable, for scripts and tests.
        var code: String {
            switch self {
            case .notAShard: "not-a-shard"
            case .mismatch: "shard-mismatch"
            case .missing: "shard-missing"
            case .duplicate: "shard-duplicate"
            case .duplicateCase: "shard-duplicate-case"
            }
        }

        var description: String {
            switch self {
            case .notAShard(let path):
                "\(path) is not one shard of a run (no shard K/N in it): merge the files `--shard K/N` wrote"
            case .mismatch(let path, let what):
                "\(path) has a different \(what) from the first file: merge shards of one run only"
            case .missing(let parts, let n):
                "shards \(parts.map { "\($0)/\(n)" }.joined(separator: ", ")) missing: give all \(n) files"
            case .duplicate(let part): "shard \(part) given twice: give each part once"
            case .duplicateCase(let id): "case \(id) is in two shards: these files are not parts of one split"
            }
        }
    }

    /// Checks that `shards` ("K/N" per file, with its path) are 1..N, each once.
    static func checkComplete(_ shards: [(path: String, shard: String?)]) throws {
        var seen: Set<Int> = []
        var total: Int? = nil
        for (path, text) in shards {
            guard let text, let shard = Shard(parsing: text) else { throw Failure.notAShard(path: path) }
            if let total, total != shard.count { throw Failure.mismatch(path: path, what: "shard count") }
            total = shard.count
            guard seen.insert(shard.index).inserted else { throw Failure.duplicate(part: shard.index) }
        }
        let n = total ?? 0
        let missing = (1...max(n, 1)).filter { !seen.contains($0) }
        if !missing.isEmpty { throw Failure.missing(parts: missing, of: n) }
    }

    static func merge(baselines: [(path: String, baseline: Baseline)]) throws -> Baseline {
        try checkComplete(baselines.map { ($0.path, $0.baseline.header.shard) })
        var merged = baselines[0].baseline
        merged.header.shard = nil
        merged.cases = [:]
        for (path, part) in baselines {
            var header = part.header
            header.shard = nil
            header.cases = merged.header.cases
            if header != merged.header {
                throw Failure.mismatch(path: path, what: "header (versions, filter or sources)")
            }
            for (id, c) in part.cases {
                guard merged.cases.updateValue(c, forKey: id) == nil else { throw Failure.duplicateCase(id: id) }
            }
        }
        merged.header.cases = merged.cases.count
        return merged
    }
}

extension BaselineCommand {
    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join the baselines of N shards (`baseline record --shard K/N`) into one.",
            discussion: "The result is byte for byte what one unsharded `baseline record` writes.")
        @Argument(help: "The N shard files.") var files: [String]
        @OptionGroup var accepted: AcceptedInstallationOptions
        @Option(help: "Where to write the merged baseline (default: standard output).") var output: String?

        func run() async throws {
            do {
                let parts = try files.map { ($0, try Baseline.load($0)) }
                guard !parts.isEmpty else { throw ValidationError("give the shard files") }
                try emit(try ShardMerge.merge(baselines: parts).json, to: output)
            } catch let error as BaselineError {
                throw failClearly(error)
            } catch let error as ShardMerge.Failure {
                throw failClearly(error)
            }
        }
    }
}
