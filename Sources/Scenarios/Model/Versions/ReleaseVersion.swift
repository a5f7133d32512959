/// A release as the model compares them: PostgreSQL majors (`16`, minor unused) and OpenSSL
/// feature releases (`3.0`, `3.5`), whose error strings can differ.
public struct ReleaseVersion: Sendable, Hashable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    public var major: Int
    public var minor: Int

    public init(_ major: Int, _ minor: Int = 0) {
        self.major = major
        self.minor = minor
    }

    public init(integerLiteral value: Int) { self.init(value) }

    /// "3.5" from "OpenSSL 3.5.1 1 Jul 2025" or "3.5.1"; nil when the text names no version.
    public init?(openSSLText text: String) {
        let word = text.split(separator: " ").first { $0.first?.isNumber == true } ?? ""
        let parts = word.split(separator: ".").map { Int($0.prefix { $0.isNumber }) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return nil }
        self.init(major, minor)
    }

    /// A PostgreSQL major from `PQlibVersion()` / `server_version_num` (160004 -> 16).
    public init(versionNumber: Int) { self.init(versionNumber >= 100_000 ? versionNumber / 10_000 : versionNumber) }

    public static func < (a: ReleaseVersion, b: ReleaseVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

    public var description: String { minor == 0 && major >= 10 ? "\(major)" : "\(major).\(minor)" }
}
