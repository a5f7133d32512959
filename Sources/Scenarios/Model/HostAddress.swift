import Foundation

/// How libpq reads a host as an address when it checks names (fe-secure-common.c
/// is_ip_address, fe-secure-openssl.c openssl_verify_peer_name_matches_certificate_ip):
/// IPv4 with inet_aton, which also takes "192.000.002.001", IPv6 with inet_pton; a SAN's
/// address is printed back with inet_net_ntop ("2001:db8::1").
enum HostAddress {
    /// The address bytes when libpq's is_ip_address says the host is one; nil for a name.
    static func libpqAddress(_ host: String) -> [UInt8]? {
        v4(host) ?? v6(host)
    }

    static func v4(_ text: String) -> [UInt8]? {
        var a = in_addr()
        guard inet_aton(text, &a) != 0 else { return nil }
        return withUnsafeBytes(of: &a) { Array($0) }
    }

    static func v6(_ text: String) -> [UInt8]? {
        var a = in6_addr()
        guard inet_pton(AF_INET6, text, &a) == 1 else { return nil }
        return withUnsafeBytes(of: &a) { Array($0) }
    }

    /// The bytes of an iPAddress SAN as written (canonical text, either family).
    static func bytes(_ text: String) -> [UInt8]? {
        var a = in_addr()
        if inet_pton(AF_INET, text, &a) == 1 { return withUnsafeBytes(of: &a) { Array($0) } }
        return v6(text)
    }

    /// Whether `host`, read in the SAN's family (inet_aton for 4 bytes, inet_pton for 16), is that address.
    static func sameFamilyBytes(_ host: String, _ san: [UInt8]) -> Bool {
        (san.count == 4 ? v4(host) : v6(host)) == san
    }

    /// inet_net_ntop's text: dotted quad, or RFC 5952 IPv6 (what inet_ntop prints).
    static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return ok == nil ? bytes.map(String.init).joined(separator: ".") : String(cString: buffer)
    }
}
