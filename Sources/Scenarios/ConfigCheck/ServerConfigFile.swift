import Foundation

/// The TLS-relevant settings of a real postgresql.conf, with the line each came from.
///
/// Parsed the way the server's guc-file.l does for the cases that matter here: `name = value`
/// or `name value`, `#` comments, single-quoted values with `''` and backslash escapes; the
/// last occurrence wins. `include*` directives are refused (the throwaway cluster would not
/// see what they pull in).
public struct ServerConfigFile: Sendable {
    public struct Setting: Sendable, Equatable {
        public var value: String
        public var line: Int
    }

    public var path: String
    public var settings: [String: Setting]

    public init(path: String, text: String) throws {
        self.path = path
        var settings: [String: Setting] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let (name, value) = Self.parse(String(raw)) else { continue }
            let lower = name.lowercased()
            if lower.hasPrefix("include") {
                throw ConfigCheckError.cannotReproduce(
                    file: path, line: index + 1, what: "'\(name) \(value)'",
                    why: "included files are not read; put their settings into the file you check")
            }
            settings[lower] = Setting(value: value, line: index + 1)
        }
        self.settings = settings
    }

    public static func load(_ path: String) throws -> ServerConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigCheckError.unreadable(path: path, reason: "no such file or not readable")
        }
        return try ServerConfigFile(path: path, text: String(decoding: data, as: UTF8.self))
    }

    public subscript(name: String) -> String? { settings[name]?.value }

    /// One line's name and value, or nil for blank/comment lines.
    static func parse(_ line: String) -> (String, String)? {
        var rest = Substring(line).drop { $0 == " " || $0 == "\t" }
        guard let first = rest.first, first != "#" else { return nil }
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
        if rest.first == "=" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
        var value = ""
        if rest.first == "'" {
            rest = rest.dropFirst()
            while let c = rest.first {
                rest = rest.dropFirst()
                if c == "'" {
                    if rest.first == "'" {
                        value.append("'")
                        rest = rest.dropFirst()
                        continue
                    }
                    break
                }
                if c == "\\", let next = rest.first {
                    value.append(next)
                    rest = rest.dropFirst()
                    continue
                }
                value.append(c)
            }
        } else {
            value = String(rest.prefix { $0 != "#" && $0 != " " && $0 != "\t" })
        }
        return (String(name), value)
    }
}
