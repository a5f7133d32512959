import ClusterKit
import Foundation
import Scenarios

/// Picks built-in matrix cases by exact id or by text, without starting anything.
enum CaseSelection {
    /// The groups of the built-in matrix cut to the scenarios whose id is `id`, or contains
    /// `filter` (a group whose id contains `filter` is kept whole, as `matrix --filter` does).
    static func groups(id: String?, filter: String?) -> [MatrixGroup] {
        MatrixDefinition.groups.compactMap { g in
            var g = g
            if let id {
                g.scenarios = g.scenarios.filter { $0.id == id }
            } else if let filter, !g.id.contains(filter) {
                g.scenarios = g.scenarios.filter { $0.id.contains(filter) }
            }
            return g.scenarios.isEmpty ? nil : g
        }
    }

    /// Up to `limit` ids that share the most words with `text`, for "did you mean".
    static func suggestions(for text: String, limit: Int = 5) -> [String] {
        let words = Set(text.split(separator: " ").filter { $0 != "/" })
        let scored = MatrixDefinition.scenarios.map { s -> (Int, String) in
            let theirs = Set(s.id.split(separator: " ").filter { $0 != "/" })
            return (words.intersection(theirs).count, s.id)
        }
        return scored.filter { $0.0 > 0 }.sorted { ($0.0, $1.1) > ($1.0, $0.1) }.prefix(limit).map(\.1)
    }
}
