import Foundation

/// The TLS-relevant settings of a real postgresql.conf, with the line each came from.
///
/// Parsed the way the server's guc-file.l does for the cases that matter here: `name = value`
/// or `name value`, `#` comments, single-quoted values with `''` and backslash escapes; the
/// last occurrence wins. `include`, `include_if_exists` and `include_dir` are followed when the
/// file is loaded from disk (relative to the including file, as the server does); text given
/// directly cannot include anything, so there they are refused.
public struct ServerConfigFile: Sendable {
    public struct Setting: Sendable, Equatable {
        public var value: String
        public var line: Int
        public var file: String = ""
    }

    public var path: String
    public var settings: [String: Setting]

    public init(path: String, text: String) throws {
        self.path = path
        var settings: [String: Setting] = [:]
        try Self.read(path: path, text: text, into: &settings, depth: -1)
        self.settings = settings
    }

    public static func load(_ path: String) throws -> ServerConfigFile {
        var settings: [String: Setting] = [:]
        try read(path: path, text: try contents(path), into: &settings, depth: 0)
        var file = try ServerConfigFile(path: path, text: "")
        file.settings = settings
        return file
    }

    static func contents(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigCheckError.unreadable(path: path, reason: "no such file or not readable")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Settings of `text` in order, following includes while `depth` is 0...9 (guc-file.l's limit is 10).
    static func read(path: String, text: String, into settings: inout [String: Setting], depth: Int) throws {
        let directory = (path as NSString).deletingLastPathComponent
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let (name, value) = parse(String(raw)) else { continue }
            let lower = name.lowercased()
            guard ["include", "include_if_exists", "include_dir"].contains(lower) else {
                settings[lower] = Setting(value: value, line: index + 1, file: path)
                continue
            }
            guard depth >= 0, depth < 10 else {
                throw ConfigCheckError.cannotReproduce(
                    file: path, line: index + 1, what: "'\(name) \(value)'",
                    why: depth < 0 ? "included files are not read here" : "includes nest deeper than 10 levels")
            }
            let target = value.hasPrefix("/") ? value : (directory as NSString).appendingPathComponent(value)
            if lower == "include_dir" {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
                for entry in entries.sorted() where entry.hasSuffix(".conf") && !entry.hasPrefix(".") {
                    let file = target + "/" + entry
                    try read(path: file, text: try contents(file), into: &settings, depth: depth + 1)
                }
            } else if lower == "include_if_exists" && !FileManager.default.fileExists(atPath: target) {
                continue
            } else {
                try read(path: target, text: try contents(target), into: &settings, depth: depth + 1)
            }
        }
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
