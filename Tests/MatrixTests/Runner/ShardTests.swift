import ClusterKit
import Foundation
import Scenarios
import Testing

/// `--shard K/N`: a deterministic, balanced split by group, and N parts that merge into
/// exactly what one unsharded run writes.
@Suite("Sharding a run across CI jobs")
struct ShardTests {
    @Test("K/N parses; nonsense is refused")
    func parsing() {
        #expect(Shard(parsing: "2/3") == Shard(index: 2, count: 3))
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3"] { #expect(Shard(parsing: bad) == nil, "\(bad)") }
    }

    @Test("every group in exactly one shard, balanced by case count, the same split every time")
    func split() {
        let counts = MatrixDefinition.groups.map(\.scenarios.count)
        for n in [1, 2, 3, 5] {
            let a = Shard.assignment(caseCounts: counts, shards: n)
            #expect(a == Shard.assignment(caseCounts: counts, shards: n))
            #expect(a.allSatisfy { (0..<n).contains($0) })
            let loads = (0..<n).map { k in a.indices.filter { a[$0] == k }.reduce(0) { $0 + counts[$1] } }
            #expect(loads.reduce(0, +) == counts.reduce(0, +))
            // Largest-first greedy: no shard exceeds another by more than the largest group.
            #expect(loads.max()! - loads.min()! <= counts.max()!, "\(loads)")
        }
    }

    static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) && (try? Installation.discover()) != nil
    }

    @Test(
        "a 3-way sharded baseline record of a slice, merged, equals the unsharded record byte for byte",
        .tags(.liveServer), .enabled(if: canRun))
    func mergeIsByteIdentical() async throws {
        let dir = try Workspace.shared().clientDirectory + "/shard-test-\(UUID().uuidString.prefix(6))"
        try SecureFiles.makeDirectory(dir, mode: 0o700)
        defer { SecureFiles.remove(dir) }
        let filter = "verify-ca / hostssl cert"
        func record(_ extra: [String], _ output: String) async throws {
            let result = try await Command.run(
                PackagePaths.sslmatrix, ["baseline", "record", "--filter", filter, "--output", output] + extra,
                workingDirectory: PackagePaths.root)
            #expect(result.succeeded, "\(result.combinedOutput)")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await record([], dir + "/whole.json") }
            for k in 1...3 { group.addTask { try await record(["--shard", "\(k)/3"], dir + "/part\(k).json") } }
            try await group.waitForAll()
        }
        let parts = (1...3).map { dir + "/part\($0).json" }
        let sizes = try parts.map { try Data(contentsOf: URL(fileURLWithPath: $0)).count }
        #expect(sizes.allSatisfy { $0 > 0 })
        let merge = try await Command.run(
            PackagePaths.sslmatrix, ["baseline", "merge"] + parts.reversed() + ["--output", dir + "/merged.json"],
            workingDirectory: PackagePaths.root)
        #expect(merge.succeeded, "\(merge.combinedOutput)")
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir + "/whole.json"))
        let merged = try Data(contentsOf: URL(fileURLWithPath: dir + "/merged.json"))
        #expect(whole == merged)
        #expect(String(decoding: whole, as: UTF8.self).contains("\"cases\" : 60"))
        // An incomplete set is refused, naming the missing part.
        let partial = try await Command.run(
            PackagePaths.sslmatrix, ["baseline", "merge", parts[0], parts[2]], workingDirectory: PackagePaths.root)
        #expect(partial.exitCode == 2 && partial.standardError.contains("2/3"), "\(partial.combinedOutput)")
    }

    @Test(
        "a 3-way sharded matrix report of a slice, merged, equals the unsharded report byte for byte (but for elapsed)",
        .tags(.liveServer), .enabled(if: canRun))
    func reportMergeIsByteIdentical() async throws {
        let dir = try Workspace.shared().clientDirectory + "/report-shard-test-\(UUID().uuidString.prefix(6))"
        try SecureFiles.makeDirectory(dir, mode: 0o700)
        defer { SecureFiles.remove(dir) }
        let filter = "verify-ca / hostssl cert"
        func matrix(_ extra: [String], _ output: String) async throws {
            let result = try await Command.run(
                PackagePaths.sslmatrix, ["matrix", "--filter", filter, "--format", "json", "--output", output] + extra,
                workingDirectory: PackagePaths.root)
            #expect(result.succeeded, "\(result.combinedOutput)")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await matrix([], dir + "/whole.json") }
            for k in 1...3 { group.addTask { try await matrix(["--shard", "\(k)/3"], dir + "/part\(k).json") } }
            try await group.waitForAll()
        }
        let parts = (1...3).map { dir + "/part\($0).json" }
        let merge = try await Command.run(
            PackagePaths.sslmatrix, ["report", "merge"] + parts.reversed() + ["--output", dir + "/merged.json"],
            workingDirectory: PackagePaths.root)
        #expect(merge.succeeded, "\(merge.combinedOutput)")
        // The one field no two runs share: the wall time (the merge writes the slowest shard's).
        func elapsed(_ text: String) -> Double? {
            text.split(separator: "\n").first { $0.contains("\"elapsed\" : ") }
                .flatMap {
                    Double(
                        $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces.union(.init(charactersIn: ",")))
                    )
                }
        }
        func withoutElapsed(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.contains("\"elapsed\" : ") ? "\"elapsed\"" : String($0) }.joined(separator: "\n")
        }
        let read = { (path: String) in String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        }
        let whole = try read(dir + "/whole.json")
        let merged = try read(dir + "/merged.json")
        #expect(withoutElapsed(whole) == withoutElapsed(merged))
        #expect(whole.contains("\"results\" : ["))
        let partElapsed = try parts.map { try #require(elapsed(try read($0))) }
        #expect(elapsed(merged) == partElapsed.max())
        let partial = try await Command.run(
            PackagePaths.sslmatrix, ["report", "merge", parts[0], parts[1]], workingDirectory: PackagePaths.root)
        #expect(
            partial.exitCode == 2 && partial.standardError.contains("shard-missing")
                && partial.standardError.contains("3/3"), "\(partial.combinedOutput)")
    }
}
