/// One rule of the model as a value, after swift-certificates' `VerificationDiagnostic`: a
/// stable id a test can assert on, the source it follows (libpq or backend file and
/// function, or the documentation section), what it says (with `{placeholders}` filled per
/// scenario), and the catalogue message it makes libpq or the server print, if any.
public struct ModelRule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Dotted, stable: `libpq.sslmode.prefer`, `server.hba.first-match`, `libpq14.verify-full.names`.
    public let id: String
    /// Where the behaviour is written: `fe-connect.c PQconnectPoll`, `libpq docs 34.19.1`, ...
    public let source: String
    /// The message the rule produces, as a `MessageCatalogue` key (its wording depends on
    /// the version that prints it).
    public let message: MessageKey?
    /// What the rule says, with `{name}` placeholders.
    public let summary: String

    public init(id: String, source: String, message: MessageKey? = nil, summary: String) {
        self.id = id
        self.source = source
        self.message = message
        self.summary = summary
    }

    public var description: String { "\(id): \(summary) (\(source))" }
}

/// A rule as the predictor applied it to one scenario: its id and source, and its summary
/// with this scenario's values filled in.
public struct AppliedRule: Sendable, Hashable, Codable, CustomStringConvertible {
    public let id: String
    public let source: String
    public let message: MessageKey?
    /// The summary with the scenario's values.
    public let text: String

    init(_ rule: ModelRule, values: [String: String]) {
        id = rule.id
        source = rule.source
        message = rule.message
        var text = rule.summary
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        self.text = text
    }

    /// The free-text form older traces used: what the rule says, then its source in
    /// parentheses (what `explain` and reports have always printed).
    public var description: String { "\(text) (\(source))" }
}
