/// A subject or issuer name: a sequence of RDNs, each one or more attribute/value pairs.
///
/// Kept as data, in order, so a test can ask for exactly the DN it needs: CN only, several
/// RDNs (O, OU, CN), a multi-valued RDN (`CN=a+UID=b`), UTF-8 values, or no RDN at all.
/// Attribute types are OpenSSL's short or long names ("CN", "O", "OU", "emailAddress") or
/// dotted OIDs.
public struct DistinguishedName: Codable, Hashable, Sendable, CustomStringConvertible {
    public struct Attribute: Codable, Hashable, Sendable {
        public var type: String
        public var value: String
        public init(_ type: String, _ value: String) {
            self.type = type
            self.value = value
        }
    }

    /// Outer array: RDNs in encoding order (most significant first, like `openssl -subj`).
    public var relativeDistinguishedNames: [[Attribute]]

    public init(_ relativeDistinguishedNames: [[Attribute]] = []) {
        self.relativeDistinguishedNames = relativeDistinguishedNames
    }

    /// One single-valued RDN per pair, in the given order: `DistinguishedName(["O": ...])`
    /// would lose order, so pairs are an array.
    public init(_ pairs: [(String, String)]) {
        self.relativeDistinguishedNames = pairs.map { [Attribute($0.0, $0.1)] }
    }

    public static func commonName(_ value: String) -> DistinguishedName {
        DistinguishedName([("CN", value)])
    }

    /// The empty name (a certificate "with no names at all").
    public static let empty = DistinguishedName()

    public var isEmpty: Bool { relativeDistinguishedNames.isEmpty }

    /// The first CN value, if any.
    public var commonName: String? {
        relativeDistinguishedNames.joined().first { $0.type == "CN" || $0.type == "commonName" }?.value
    }

    /// `/O=x/CN=y+UID=z`, the `openssl -subj` form (for messages, not for parsing).
    public var description: String {
        if isEmpty { return "(empty)" }
        return relativeDistinguishedNames.map { rdn in
            "/" + rdn.map { "\($0.type)=\($0.value)" }.joined(separator: "+")
        }.joined()
    }
}
