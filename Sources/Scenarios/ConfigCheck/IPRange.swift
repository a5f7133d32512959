import Foundation

/// An address range from pg_hba.conf (IPv4 or IPv6 CIDR), for deciding which lines a client
/// from a given address would reach.
public struct IPRange: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]
    public var prefix: Int

    public var description: String { "\(Self.format(bytes))/\(prefix)" }

    public static func parse(_ text: String) -> IPRange? {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let bytes = address(String(parts[0])) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let prefix, prefix >= 0, prefix <= bytes.count * 8 else { return nil }
        return IPRange(bytes: bytes, prefix: prefix)
    }

    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// The prefix length of a dotted/colon netmask ("255.255.255.0" -> 24), nil if not contiguous.
    static func maskBits(_ text: String) -> Int? {
        guard let bytes = address(text) else { return nil }
        var bits = 0
        var ended = false
        for b in bytes {
            for i in (0..<8).reversed() {
                if b & (1 << i) != 0 {
                    if ended { return nil }
                    bits += 1
                } else {
                    ended = true
                }
            }
        }
        return bits
    }

    /// The first address of the range: the client address used to test a line.
    public var firstAddress: [UInt8] {
        bytes.enumerated().map { i, b in
            let keep = max(0, min(8, prefix - i * 8))
            return keep == 8 ? b : b & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }

    public func contains(_ address: [UInt8]) -> Bool {
        guard address.count == bytes.count else { return false }
        let mine = firstAddress
        for i in 0..<bytes.count {
            let keep = max(0, min(8, prefix - i * 8))
            let mask = keep == 8 ? UInt8(0xFF) : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
            if address[i] & mask != mine[i] & mask { return false }
        }
        return true
    }

    static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
