import Foundation
import Yams

/// A YAML node with where it came from: the file, its line, and a readable path
/// ("cases[2].client") for error messages. Every accessor either returns the value in the
/// shape asked for or throws a `ScenarioFileError` that points at the node's line.
struct YAMLCursor {
    let node: Node
    let file: String
    /// Human path for messages: "server.settings", "cases[3].expect".
    let path: String

    var line: Int { node.mark?.line ?? 1 }

    /// "file.yaml:12", what reports show as the source of a declared expectation.
    var source: String { "\((file as NSString).lastPathComponent):\(line)" }

    var kindName: String {
        switch node {
        case .scalar(let s): s.string.isEmpty ? "nothing" : "the word '\(s.string)'"
        case .mapping: "a mapping (key: value lines)"
        case .sequence: "a list"
        default: "an alias"
        }
    }

    var isNull: Bool {
        if case .scalar(let s) = node {
            return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
        }
        return false
    }

    func child(_ node: Node, _ suffix: String) -> YAMLCursor {
        YAMLCursor(
            node: node, file: file,
            path: path.isEmpty ? suffix : (suffix.hasPrefix("[") ? path + suffix : path + "." + suffix))
    }

    func wrongType(_ expected: String) -> ScenarioFileError {
        .wrongType(file: file, line: line, context: "'\(path)'", expected: expected, found: kindName)
    }

    func invalid(_ value: String, expected: String) -> ScenarioFileError {
        .invalidValue(file: file, line: line, context: "'\(path)'", value: value, expected: expected)
    }

    // MARK: Shapes

    /// A mapping whose keys must all be in `allowed` (in the order given, for the message).
    func mapping(allowed: [String], required: [String] = []) throws -> YAMLMapping {
        guard case .mapping(let m) = node else { throw wrongType("a mapping (key: value lines)") }
        var entries: [(String, YAMLCursor, Int)] = []
        for (keyNode, value) in m {
            guard case .scalar(let k) = keyNode else {
                throw YAMLCursor(node: keyNode, file: file, path: path).wrongType("a plain key")
            }
            let keyLine = keyNode.mark?.line ?? line
            if !allowed.contains(k.string) {
                throw ScenarioFileError.unknownKey(
                    file: file, line: keyLine, key: k.string, context: "'\(path.isEmpty ? "the top level" : path)'",
                    allowed: allowed)
            }
            if entries.contains(where: { $0.0 == k.string }) {
                throw ScenarioFileError.duplicateKey(
                    file: file, line: keyLine, key: k.string, context: "'\(path.isEmpty ? "the top level" : path)'")
            }
            entries.append((k.string, child(value, k.string), keyLine))
        }
        for key in required where !entries.contains(where: { $0.0 == key }) {
            throw ScenarioFileError.missingKey(
                file: file, line: line, key: key, context: "'\(path.isEmpty ? "the top level" : path)'")
        }
        return YAMLMapping(cursor: self, entries: entries)
    }

    /// A mapping with free keys (server settings, hba options), in file order.
    func freeMapping() throws -> [(key: String, value: YAMLCursor)] {
        guard case .mapping(let m) = node else { throw wrongType("a mapping (key: value lines)") }
        var out: [(key: String, value: YAMLCursor)] = []
        for (keyNode, value) in m {
            guard let k = keyNode.scalar?.string else {
                throw YAMLCursor(node: keyNode, file: file, path: path).wrongType("a plain key")
            }
            if out.contains(where: { $0.key == k }) {
                throw ScenarioFileError.duplicateKey(
                    file: file, line: keyNode.mark?.line ?? line, key: k, context: "'\(path)'")
            }
            out.append((k, child(value, k)))
        }
        return out
    }

    /// A list; a single item is not silently accepted as a list of one.
    func list() throws -> [YAMLCursor] {
        guard case .sequence(let s) = node else { throw wrongType("a list") }
        return s.enumerated().map { child($1, "[\($0)]") }
    }

    /// A scalar as text (numbers and booleans as written).
    func string() throws -> String {
        guard case .scalar(let s) = node else { throw wrongType("a word or quoted text") }
        return s.string
    }

    func nonEmptyString() throws -> String {
        let s = try string()
        if s.isEmpty { throw wrongType("non-empty text") }
        return s
    }

    func bool() throws -> Bool {
        guard case .scalar(let s) = node, let b = Bool.construct(from: s) else { throw wrongType("true or false") }
        return b
    }

    func int() throws -> Int {
        guard case .scalar(let s) = node, let i = Int(s.string) else { throw wrongType("a whole number") }
        return i
    }

    /// One of a fixed set of words.
    func word(_ allowed: [String]) throws -> String {
        let s = try string()
        guard allowed.contains(s) else { throw invalid(s, expected: "one of " + allowed.joined(separator: ", ")) }
        return s
    }

    /// A regular expression, compiled now so a bad one is reported at its line.
    func regex() throws -> String {
        let pattern = try nonEmptyString()
        do {
            _ = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        } catch {
            throw ScenarioFileError.badRegex(
                file: file, line: line, pattern: pattern, reason: "\((error as NSError).localizedDescription)")
        }
        return pattern
    }

    /// A list of words, or one word meaning a list of one.
    func stringList() throws -> [String] {
        if case .scalar = node { return [try nonEmptyString()] }
        return try list().map { try $0.nonEmptyString() }
    }
}

/// The checked entries of one mapping, by key.
struct YAMLMapping {
    let cursor: YAMLCursor
    let entries: [(String, YAMLCursor, Int)]

    subscript(_ key: String) -> YAMLCursor? {
        entries.first { $0.0 == key }.flatMap { $0.1.isNull ? nil : $0.1 }
    }

    func has(_ key: String) -> Bool { entries.contains { $0.0 == key } }

    func keyLine(_ key: String) -> Int { entries.first { $0.0 == key }?.2 ?? cursor.line }

    /// A key that must be present here (checked for presence, not shape).
    func required(_ key: String) throws -> YAMLCursor {
        guard let c = self[key] else {
            throw ScenarioFileError.missingKey(
                file: cursor.file, line: cursor.line, key: key,
                context: "'\(cursor.path.isEmpty ? "the top level" : cursor.path)'")
        }
        return c
    }
}
