import Foundation

/// Part K of N of a run, so N CI jobs can run one matrix side by side and a merge job can
/// join their JSON into what a single run would have written.
///
/// The split is by group (a group is one server configuration; its cases never cross
/// shards), deterministic (a function of the group list alone, so every job computes the
/// same split without talking to the others) and balanced by case count: groups are taken
/// largest first and each goes to the shard with the fewest cases so far (ties: the lower
/// shard), the classic longest-processing-time rule.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// "K/N", e.g. "2/3".
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The 0-based shard of each group, given each group's case count.
    public static func assignment(caseCounts: [Int], shards: Int) -> [Int] {
        var load = Array(repeating: 0, count: max(1, shards))
        var result = Array(repeating: 0, count: caseCounts.count)
        let order = caseCounts.indices.sorted { (caseCounts[$0], $1) > (caseCounts[$1], $0) }
        for group in order {
            let target = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            result[group] = target
            load[target] += caseCounts[group]
        }
        return result
    }

    /// Whether the `position`-th of groups with these case counts belongs to this shard.
    public func includes(position: Int, caseCounts: [Int]) -> Bool {
        Shard.assignment(caseCounts: caseCounts, shards: count)[position] == index - 1
    }

    /// This shard's groups, in their original order.
    public func select(_ groups: [RunnableGroup]) -> [RunnableGroup] {
        let assigned = Shard.assignment(caseCounts: groups.map(\.cases.count), shards: count)
        return groups.indices.filter { assigned[$0] == index - 1 }.map { groups[$0] }
    }
}
