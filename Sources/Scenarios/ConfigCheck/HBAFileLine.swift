import Foundation

/// One line of a real pg_hba.conf, parsed like hba.c's tokenizer for what `check-config`
/// needs: connection type, databases, users, address (CIDR, separate mask, keyword or
/// host name), method and options. Quoted fields keep their text; `@file` and `include`
/// are refused.
public struct HBAFileLine: Sendable, Equatable, CustomStringConvertible {
    public var number: Int
    public var text: String
    public var type: String
    public var databases: [String]
    public var users: [String]
    /// nil for `local`; "all", "samehost", "samenet", a CIDR or a host name otherwise.
    public var address: String?
    public var method: String
    public var options: [String: String]

    public var description: String { "line \(number): \(text)" }
    public var isLocal: Bool { type == "local" }

    static let types: Set<String> = ["local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"]
    static let reproducibleMethods: Set<String> = [
        "trust", "reject", "password", "md5", "scram-sha-256", "cert", "peer",
    ]

    /// Every rule line of `text` (comments and blank lines skipped).
    public static func parse(file: String, text: String) throws -> [HBAFileLine] {
        var out: [HBAFileLine] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = tokens(String(raw))
            guard !fields.isEmpty else { continue }
            out.append(try line(file: file, number: index + 1, text: String(raw), fields: fields))
        }
        return out
    }

    public static func load(_ path: String) throws -> [HBAFileLine] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigCheckError.unreadable(path: path, reason: "no such file or not readable")
        }
        return try parse(file: path, text: String(decoding: data, as: UTF8.self))
    }

    static func line(file: String, number: Int, text: String, fields: [String]) throws -> HBAFileLine {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func malformed(_ problem: String) -> ConfigCheckError {
            .malformedHBALine(file: file, line: number, text: trimmed, problem: problem)
        }
        let type = fields[0]
        if type.hasPrefix("include") {
            throw ConfigCheckError.cannotReproduce(
                file: file, line: number, what: "'\(trimmed)'", why: "included files are not read")
        }
        guard types.contains(type) else { throw malformed("unknown connection type '\(type)'") }
        var rest = Array(fields.dropFirst())
        guard rest.count >= (type == "local" ? 3 : 4) else { throw malformed("too few fields") }
        let databases = rest.removeFirst().split(separator: ",").map(String.init)
        let users = rest.removeFirst().split(separator: ",").map(String.init)
        if (databases + users).contains(where: { $0.hasPrefix("@") }) {
            throw ConfigCheckError.cannotReproduce(
                file: file, line: number, what: "'\(trimmed)'", why: "@file lists are not read")
        }
        var address: String? = nil
        if type != "local" {
            var a = rest.removeFirst()
            // An IP address followed by a separate netmask column.
            if !a.contains("/"), let first = rest.first, IPRange.parse(a + "/32") != nil || a.contains(":"),
                let bits = IPRange.maskBits(first)
            {
                rest.removeFirst()
                a += "/\(bits)"
            }
            address = a
        }
        guard !rest.isEmpty else { throw malformed("no authentication method") }
        let method = rest.removeFirst()
        var options: [String: String] = [:]
        for o in rest {
            guard let eq = o.firstIndex(of: "=") else { throw malformed("option '\(o)' is not name=value") }
            options[String(o[..<eq])] = String(o[o.index(after: eq)...])
        }
        guard reproducibleMethods.contains(method) else {
            throw ConfigCheckError.cannotReproduce(
                file: file, line: number, what: "authentication method '\(method)'",
                why: "it needs a system or server outside PostgreSQL (ident/ldap/radius/pam/gss/sspi/bsd)")
        }
        return HBAFileLine(
            number: number, text: trimmed, type: type, databases: databases, users: users, address: address,
            method: method, options: options)
    }

    /// hba.c's tokenizer, simplified: whitespace separates, `#` starts a comment outside
    /// quotes, double quotes group (and are kept off the value).
    static func tokens(_ line: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var inToken = false
        for c in line {
            if c == "\"" {
                quoted.toggle()
                inToken = true
                continue
            }
            if !quoted && c == "#" { break }
            if !quoted && (c == " " || c == "\t") {
                if inToken { out.append(current) }
                current = ""
                inToken = false
                continue
            }
            current.append(c)
            inToken = true
        }
        if inToken { out.append(current) }
        return out
    }
}
