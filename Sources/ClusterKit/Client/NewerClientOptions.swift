/// libpq keywords that only newer clients know. Each is passed only when set, so an older
/// libpq meets it exactly as it would in a user's conninfo: libpq's own
/// `invalid connection option "..."` (fe-connect.c conninfo_array_parse), never silently dropped.
public struct NewerClientOptions: Sendable, Hashable, Codable {
    /// `sslcertmode` (libpq 16+): disable, allow, require.
    public var sslcertmode: String?
    /// `require_auth` (libpq 16+), e.g. `scram-sha-256`, `!password`.
    public var requireAuth: String?
    /// `sslnegotiation` (libpq 17+): postgres, direct.
    public var sslnegotiation: String?

    public init(sslcertmode: String? = nil, requireAuth: String? = nil, sslnegotiation: String? = nil) {
        self.sslcertmode = sslcertmode
        self.requireAuth = requireAuth
        self.sslnegotiation = sslnegotiation
    }

    /// The keyword/value pairs, in the order they are handed to libpq (libpq reports the
    /// first keyword it does not know, so the model uses the same order).
    public var keywordValues: [(String, String)] {
        var pairs: [(String, String)] = []
        if let sslcertmode { pairs.append(("sslcertmode", sslcertmode)) }
        if let requireAuth { pairs.append(("require_auth", requireAuth)) }
        if let sslnegotiation { pairs.append(("sslnegotiation", sslnegotiation)) }
        return pairs
    }
}
