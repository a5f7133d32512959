import Foundation

/// Replaces what still varies between two runs of the same versions after the runner's own
/// normalisation, so a baseline diff shows changes of behaviour, never noise.
///
/// Each rule names why the value varies; add a rule only with a reason, never to hide a
/// difference between versions. Found by diffing two full runs on the same machine.
enum BaselineNormalizer {
    struct Rule {
        var pattern: String
        var replacement: String
        var why: String
    }

    static let rules: [Rule] = [
        Rule(
            pattern: #"(could not load private key file "[^"]*": )(bad decrypt|unsupported)"#,
            replacement: "$1<bad decrypt|unsupported>",
            why: """
                a wrong passphrase decrypts a freshly generated key (random salt and IV) to garbage: OpenSSL says \
                'bad decrypt' when the padding check fails and 'unsupported' when it happens to pass and the \
                decoder then fails; which one is chance, per run
                """)
    ]

    static func normalize(_ text: String) -> String {
        rules.reduce(text) { out, rule in
            out.replacingOccurrences(of: rule.pattern, with: rule.replacement, options: .regularExpression)
        }
    }
}
