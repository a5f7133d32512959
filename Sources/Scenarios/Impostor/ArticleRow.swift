/// One row of the article's table: what psql printed for one `PGSSLMODE`, what the model
/// expected, and whether they agree.
public struct ArticleRow: Sendable, Hashable, Codable {
    public var sslMode: SSLMode
    /// The model's prediction, e.g. "accepted(ssl, alice)" or "rejected: ...".
    public var expected: String
    /// The rules the model applied, in order.
    public var rules: [String]
    /// PQerrorMessage-based text psql is expected to print on stderr (rejections only), rendered.
    public var expectedError: String?
    public var observed: PsqlRun
    /// Empty when psql did what the model said; otherwise one line per difference.
    public var disagreements: [String]
    /// Where PostgreSQL 15's wording differs from the article's era (PostgreSQL 13 and older).
    public var wordingThen: String?

    public var agrees: Bool { disagreements.isEmpty }
}
