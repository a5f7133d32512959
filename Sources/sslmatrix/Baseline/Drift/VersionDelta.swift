/// What changed between the versions two recordings ran with, per side, so each kind of
/// change can say whether its side was upgraded or it came with another side's upgrade.
struct VersionDelta: Sendable {
    /// Component name (as `TextOrigin` spells the side) -> (before, after).
    var components: [(name: String, before: String, after: String)]

    init(before: VersionInfo?, after: VersionInfo?) {
        guard let before, let after else {
            components = []
            return
        }
        components = [
            ("server", before.server, after.server),
            ("libpq", VersionDelta.libpq(before.libpq), VersionDelta.libpq(after.libpq)),
            ("server OpenSSL", before.serverOpenSSL?.version ?? "?", after.serverOpenSSL?.version ?? "?"),
            ("libpq OpenSSL", before.libpqSSLLibrary ?? "?", after.libpqSSLLibrary ?? "?"),
        ]
    }

    /// 150018 -> "15.18", 180000 -> "18.0" (PQlibVersion's encoding since 10).
    static func libpq(_ v: Int) -> String { "\(v / 10000).\(v % 10000)" }

    var changed: [(name: String, before: String, after: String)] { components.filter { $0.before != $0.after } }

    /// "server 15.18 -> 18.6", one line per changed component; "no version changed" if none.
    var lines: [String] {
        if components.isEmpty { return [] }
        let c = changed
        return c.isEmpty ? ["same versions"] : c.map { "\($0.name): \($0.before) -> \($0.after)" }
    }

    /// The side, plus where the change came from when that side's own version did not
    /// change ("OpenSSL, unchanged: came with the server upgrade").
    func annotate(_ side: String) -> String {
        guard side == "OpenSSL" || side == "server" || side == "libpq" else { return side }
        let names = changed.map(\.name)
        if names.isEmpty { return side }
        let own = names.contains { $0 == side || $0.hasSuffix(side) }
        if own { return side }
        return "\(side) (unchanged; came with the \(names.joined(separator: " + ")) upgrade)"
    }
}
