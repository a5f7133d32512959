import Foundation

/// Replaces in a message only what differs from run to run, and says what it replaced.
///
/// Ports, the run's temporary directories, pids, cluster names and certificate serials
/// change on every run; nothing else does, so nothing else is touched: a test comparing
/// normalised text still compares PostgreSQL's and libpq's exact wording. Known values
/// (this cluster's port, this run's directory) are replaced first and by name; the generic
/// patterns after them catch client ports and pids. Every replacement is returned, so a
/// failing comparison shows both texts and exactly how one was derived from the other.
public struct MessageNormalizer: Sendable {
    public struct Substitution: Sendable, Hashable, Codable, CustomStringConvertible {
        public let original: String
        public let replacement: String
        public var description: String { "\(original) -> \(replacement)" }
    }

    public struct Normalized: Sendable, Hashable, Codable, CustomStringConvertible {
        public let text: String
        public let substitutions: [Substitution]
        public var description: String {
            substitutions.isEmpty
                ? text : text + "\n  (normalised: " + substitutions.map(\.description).joined(separator: "; ") + ")"
        }
    }

    /// Literal values to replace, in order: (value, placeholder).
    public var literals: [(String, String)]

    public init(literals: [(String, String)] = []) {
        self.literals = literals
    }

    /// The normaliser for messages about `cluster`: its port, directory, run directory,
    /// cluster_name; plus extra literals (serials of this run's certificates).
    public init(cluster: Cluster, serials: [String] = []) {
        var literals: [(String, String)] = [
            (cluster.directory + "/", "<CLUSTER_DIR>/"),
            (cluster.workspace.runDirectory + "/", "<RUN>/"),
            (cluster.workspace.base + "/", "<BASE>/"),
            (cluster.name, "<CLUSTER>"),
        ]
        literals += serials.filter { !$0.isEmpty }.map { ($0, "<SERIAL>") }
        // libpq names a Unix socket by its file, which carries the port.
        literals.append((".s.PGSQL.\(cluster.port)", ".s.PGSQL.<PORT>"))
        literals.append(("port \(cluster.port)", "port <PORT>"))
        literals.append(("port=\(cluster.port)", "port=<PORT>"))
        literals.append((":\(cluster.port)", ":<PORT>"))
        self.init(literals: literals)
    }

    /// Generic patterns for values no caller knows in advance.
    static let patterns: [(NSRegularExpression, String)] = [
        (#"/[^\s"']*/pg-ssl-matrix/run-[0-9]+-[0-9]+/"#, "<RUN>/"),
        (#"\bsslm-[0-9]+-[0-9]+\b"#, "<CLUSTER>"),
        (#"(127\.0\.0\.1|::1|localhost)\(([0-9]+)\)"#, "$1(<CLIENT_PORT>)"),
        (#"\bport=[0-9]+"#, "port=<CLIENT_PORT>"),
        (#"\bport [0-9]+\b"#, "port <PORT>"),
        (#"\[[0-9]+\]"#, "[<PID>]"),
        (#"\b(PID|pid) [0-9]+\b"#, "$1 <PID>"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    public func normalize(_ text: String) -> Normalized {
        var result = text
        var substitutions: [Substitution] = []
        for (value, placeholder) in literals where !value.isEmpty && result.contains(value) {
            result = result.replacingOccurrences(of: value, with: placeholder)
            substitutions.append(Substitution(original: value, replacement: placeholder))
        }
        for (regex, template) in MessageNormalizer.patterns {
            let ns = result as NSString
            let matches = regex.matches(in: result, range: NSRange(location: 0, length: ns.length))
            guard !matches.isEmpty else { continue }
            var seen = Set<String>()
            for match in matches {
                let original = ns.substring(with: match.range)
                let replaced = regex.replacementString(for: match, in: result, offset: 0, template: template)
                if original != replaced, seen.insert(original).inserted {
                    substitutions.append(Substitution(original: original, replacement: replaced))
                }
            }
            result = regex.stringByReplacingMatches(
                in: result, range: NSRange(location: 0, length: ns.length), withTemplate: template)
        }
        return Normalized(text: result, substitutions: substitutions)
    }
}
