import Foundation

/// Replaces in a message only what differs from run to run, and says what it replaced.
///
/// This is the one normaliser: the probe, the runner, reports and baselines all use it, so
/// "two runs of the same versions give identical text" is decided in one place. Every rule
/// carries the reason its value varies between runs; a rule without such a reason would hide
/// a difference between versions, which is what a baseline exists to show. Nothing else is
/// touched: a test comparing normalised text still compares PostgreSQL's, libpq's and
/// OpenSSL's exact wording. Known values (this cluster's port, this run's directory, this
/// group's certificate serials) are replaced first and by name; the generic patterns after
/// them catch client ports and pids. Every replacement is returned, so a failing comparison
/// shows both texts and exactly how one was derived from the other.
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

    /// A value known in advance that differs per run, with the reason it does.
    public struct Literal: Sendable, Hashable {
        public var value: String
        public var placeholder: String
        public var why: String

        public init(_ value: String, _ placeholder: String, why: String) {
            self.value = value
            self.placeholder = placeholder
            self.why = why
        }
    }

    /// A pattern for values nobody knows in advance, with the reason they differ per run.
    public struct Rule: Sendable {
        public var regex: NSRegularExpression
        public var template: String
        public var why: String

        init(_ pattern: String, _ template: String, why: String) {
            regex = try! NSRegularExpression(pattern: pattern)
            self.template = template
            self.why = why
        }
    }

    /// Literal values to replace, in order.
    public var literals: [Literal]

    public init(literals: [Literal]) {
        self.literals = literals
    }

    /// Literals without a stated reason (tests that build one by hand).
    public init(literals: [(String, String)] = []) {
        self.literals = literals.map { Literal($0.0, $0.1, why: "given by the caller") }
    }

    /// The normaliser for messages about `cluster`: its port, directory, run directory,
    /// cluster_name; plus the serials of the certificates this group issued.
    public init(cluster: Cluster, certificates: [PKIMaterial.Certificate] = []) {
        var literals: [Literal] = [
            Literal(cluster.directory + "/", "<CLUSTER_DIR>/", why: "each cluster gets a fresh 0700 directory"),
            Literal(cluster.workspace.runDirectory + "/", "<RUN>/", why: "each run gets a fresh directory"),
            Literal(cluster.workspace.base + "/", "<BASE>/", why: "PGSSLMATRIX_TMPDIR differs between machines"),
            Literal(cluster.name, "<CLUSTER>", why: "cluster_name carries the run and cluster number"),
        ]
        literals += Self.serialLiterals(certificates)
        let port = "a free port is picked per cluster"
        // libpq names a Unix socket by its file, which carries the port.
        literals.append(Literal(".s.PGSQL.\(cluster.port)", ".s.PGSQL.<PORT>", why: port))
        literals.append(Literal("port \(cluster.port)", "port <PORT>", why: port))
        literals.append(Literal("port=\(cluster.port)", "port=<PORT>", why: port))
        literals.append(Literal(":\(cluster.port)", ":<PORT>", why: port))
        self.init(literals: literals)
    }

    /// Serials in every spelling a message uses, replaced by the certificate's name, so the
    /// text still says which certificate was presented.
    ///
    /// Serials are derived from the run's clock (unique per CA without a counter), so they
    /// differ per run. PostgreSQL 16+ logs them in decimal (`BN_bn2dec`, "Failed certificate
    /// data (unverified): ... serial number N"); OpenSSL tools print hex.
    static func serialLiterals(_ certificates: [PKIMaterial.Certificate]) -> [Literal] {
        let why = "certificate serials are derived from the run's clock"
        // Longest first: a short serial must not cut into a longer one.
        return certificates.sorted { $0.name < $1.name }.flatMap { c -> [Literal] in
            guard let decimal = PKIText.decimal(hex: c.serialHex) else { return [] }
            let placeholder = "<SERIAL:\(c.name)>"
            return [
                Literal(decimal, placeholder, why: why),
                Literal(c.serialHex.uppercased(), placeholder, why: why),
                Literal(c.serialHex.lowercased(), placeholder, why: why),
            ]
        }.filter { $0.value.count >= 6 }.sorted { $0.value.count > $1.value.count }
    }

    /// Generic patterns for values no caller knows in advance, in the order they apply.
    public static let rules: [Rule] = [
        Rule(
            #"/[^\s"']*/pg-ssl-matrix/run-[0-9]+-[0-9]+/"#, "<RUN>/",
            why: "another run's directory (e.g. a cluster started by a helper of this run)"),
        Rule(#"\bsslm-[0-9]+-[0-9]+\b"#, "<CLUSTER>", why: "cluster names carry the run and cluster number"),
        Rule(
            #"(127\.0\.0\.1|::1|localhost)\(([0-9]+)\)"#, "$1(<CLIENT_PORT>)",
            why: "the kernel picks the client's source port"),
        Rule(#"\bport=[0-9]+"#, "port=<CLIENT_PORT>", why: "the kernel picks the client's source port"),
        Rule(#"\bport [0-9]+\b"#, "port <PORT>", why: "a free port is picked per cluster"),
        Rule(#"\[[0-9]+\]"#, "[<PID>]", why: "the backend's process id"),
        Rule(#"\b(PID|pid) [0-9]+\b"#, "$1 <PID>", why: "a process id"),
        Rule(
            #"(could not load private key file "[^"]*": )(bad decrypt|unsupported)"#, "$1<bad decrypt|unsupported>",
            why: """
                a wrong passphrase decrypts a freshly generated key (random salt and IV) to garbage: OpenSSL says \
                'bad decrypt' when the padding check fails and 'unsupported' when it happens to pass (about 1 in \
                256) and the decoder then fails; which one is chance, per run. Both reasons stay in the text.
                """),
        Rule(
            #"(SSL error: [^\n]*)\ncould not send startup packet: Connection reset by peer"#, "$1",
            why: """
                libpq 14 only (model rule libpq14.startup-packet-reset-race): when the server refuses the client's \
                certificate, libpq's write of the startup packet can meet the server's reset before it reads \
                the alert, and then this line follows the SSL error; in about a third of such cases, by chance \
                per run. The SSL error before it, which says why, stays; 15+ never print the line.
                """),
    ]

    public func normalize(_ text: String) -> Normalized {
        var result = text
        var substitutions: [Substitution] = []
        for literal in literals where !literal.value.isEmpty && TextSearch.contains(result, literal.value) {
            result = TextSearch.replacingAll(result, literal.value, with: literal.placeholder)
            substitutions.append(Substitution(original: literal.value, replacement: literal.placeholder))
        }
        for rule in MessageNormalizer.rules {
            let ns = result as NSString
            let matches = rule.regex.matches(in: result, range: NSRange(location: 0, length: ns.length))
            guard !matches.isEmpty else { continue }
            var seen = Set<String>()
            for match in matches {
                let original = ns.substring(with: match.range)
                let replaced = rule.regex.replacementString(for: match, in: result, offset: 0, template: rule.template)
                if original != replaced, seen.insert(original).inserted {
                    substitutions.append(Substitution(original: original, replacement: replaced))
                }
            }
            result = rule.regex.stringByReplacingMatches(
                in: result, range: NSRange(location: 0, length: ns.length), withTemplate: rule.template)
        }
        return Normalized(text: result, substitutions: substitutions)
    }
}
