import ClusterKit
import Foundation

/// Why a scenario file could not be read. Every case names the file and, when the YAML
/// gives one, the line, says what is wrong and how to fix it; nothing has been started
/// when one of these is thrown.
///
/// `code` is stable (tests and scripts assert on it); the description is for a person.
public enum ScenarioFileError: CodedError, Sendable, Hashable {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// Not YAML: the YAML parser's own problem at its own position.
    case yamlSyntax(file: String, line: Int, column: Int, problem: String)
    /// A key this place does not know; `allowed` lists the ones it does.
    case unknownKey(file: String, line: Int, key: String, context: String, allowed: [String])
    /// The same key twice in one mapping (YAML would silently keep one).
    case duplicateKey(file: String, line: Int, key: String, context: String)
    case missingKey(file: String, line: Int, key: String, context: String)
    /// A mapping where a list is needed, a list where a word is needed, ...
    case wrongType(file: String, line: Int, context: String, expected: String, found: String)
    /// A value of the right type that is not one of the accepted ones.
    case invalidValue(file: String, line: Int, context: String, value: String, expected: String)
    /// A name that refers to something the file does not define.
    case undefinedName(file: String, line: Int, kind: String, name: String, defined: [String])
    case duplicateName(file: String, line: Int, kind: String, name: String)
    case badRegex(file: String, line: Int, pattern: String, reason: String)
    /// Parts that are fine alone but cannot go together.
    case conflict(file: String, line: Int, reason: String)
    /// A value that would not stay one value in the server file or SQL it goes into.
    case unsafeValue(file: String, line: Int, context: String, reason: String)
    /// A name PostgreSQL or the harness keeps for itself (role `postgres`, `pg_*`, `public`).
    case reservedName(file: String, line: Int, kind: String, name: String, reason: String)
    /// A whole number outside what the field can mean.
    case outOfRange(file: String, line: Int, context: String, value: String, range: String)
    /// The file is larger, deeper or has more nodes than any scenario needs.
    case limitExceeded(file: String, line: Int, what: String, limit: String)
    /// A case with `expect: model` uses something the rule model does not cover: `key` is
    /// the file's own key that takes it out (e.g. `server.settings.ssl_ciphers`).
    case outsideModel(file: String, line: Int, caseName: String, key: String, reason: String)

    /// Stable identifier of the kind of problem.
    public var code: String {
        switch self {
        case .unreadable: "unreadable"
        case .yamlSyntax: "yaml-syntax"
        case .unknownKey: "unknown-key"
        case .duplicateKey: "duplicate-key"
        case .missingKey: "missing-key"
        case .wrongType: "wrong-type"
        case .invalidValue: "invalid-value"
        case .undefinedName: "undefined-name"
        case .duplicateName: "duplicate-name"
        case .badRegex: "bad-regex"
        case .conflict: "conflict"
        case .unsafeValue: "unsafe-value"
        case .reservedName: "reserved-name"
        case .outOfRange: "out-of-range"
        case .limitExceeded: "limit-exceeded"
        case .outsideModel: "outside-model"
        }
    }

    public var file: String {
        switch self {
        case .unreadable(let f, _), .yamlSyntax(let f, _, _, _), .unknownKey(let f, _, _, _, _),
            .duplicateKey(let f, _, _, _), .missingKey(let f, _, _, _), .wrongType(let f, _, _, _, _),
            .invalidValue(let f, _, _, _, _), .undefinedName(let f, _, _, _, _), .duplicateName(let f, _, _, _),
            .badRegex(let f, _, _, _), .conflict(let f, _, _), .unsafeValue(let f, _, _, _),
            .reservedName(let f, _, _, _, _), .outOfRange(let f, _, _, _, _), .limitExceeded(let f, _, _, _),
            .outsideModel(let f, _, _, _, _):
            f
        }
    }

    /// 1-based; nil only when the file could not be read.
    public var line: Int? {
        switch self {
        case .unreadable: nil
        case .yamlSyntax(_, let l, _, _), .unknownKey(_, let l, _, _, _), .duplicateKey(_, let l, _, _),
            .missingKey(_, let l, _, _), .wrongType(_, let l, _, _, _), .invalidValue(_, let l, _, _, _),
            .undefinedName(_, let l, _, _, _), .duplicateName(_, let l, _, _), .badRegex(_, let l, _, _),
            .conflict(_, let l, _), .unsafeValue(_, let l, _, _), .reservedName(_, let l, _, _, _),
            .outOfRange(_, let l, _, _, _), .limitExceeded(_, let l, _, _), .outsideModel(_, let l, _, _, _):
            l
        }
    }

    public var description: String {
        let at = line.map { "\(file):\($0)" } ?? file
        switch self {
        case .unreadable(_, let reason):
            return "\(at): cannot read the scenario file: \(reason)"
        case .yamlSyntax(_, _, let column, let problem):
            return "\(at):\(column): not valid YAML: \(problem). Check indentation, quoting and ':' after each key."
        case .unknownKey(_, _, let key, let context, let allowed):
            var text = "\(at): unknown key '\(key)' in \(context); allowed keys: \(allowed.joined(separator: ", "))"
            if let near = Self.nearest(key, in: allowed) { text += ". Did you mean '\(near)'?" }
            return text
        case .duplicateKey(_, _, let key, let context):
            return "\(at): key '\(key)' appears twice in \(context); keep one."
        case .missingKey(_, _, let key, let context):
            return "\(at): \(context) needs '\(key)'; add it."
        case .wrongType(_, _, let context, let expected, let found):
            return "\(at): \(context) must be \(expected), found \(found)."
        case .invalidValue(_, _, let context, let value, let expected):
            return "\(at): '\(value)' is not valid for \(context); expected \(expected)."
        case .undefinedName(_, _, let kind, let name, let defined):
            let list = defined.isEmpty ? "none is defined" : "defined: \(defined.joined(separator: ", "))"
            var text = "\(at): \(kind) '\(name)' is not defined in this file (\(list))"
            if let near = Self.nearest(name, in: defined) { text += ". Did you mean '\(near)'?" }
            return text + "; define it under pki or fix the name."
        case .duplicateName(_, _, let kind, let name):
            return "\(at): two \(kind)s are named '\(name)'; names must be unique."
        case .badRegex(_, _, let pattern, let reason):
            return
                "\(at): /\(pattern)/ is not a valid regular expression (\(reason)); escape special characters such as ( ) [ ] . with a backslash."
        case .conflict(_, _, let reason):
            return "\(at): \(reason)"
        case .unsafeValue(_, _, let context, let reason):
            return "\(at): \(context): \(reason)"
        case .reservedName(_, _, let kind, let name, let reason):
            return "\(at): \(kind) '\(ConfigGrammar.escaped(name))' cannot be used: \(reason); choose another name."
        case .outOfRange(_, _, let context, let value, let range):
            return "\(at): \(value) is out of range for \(context); expected a whole number in \(range)."
        case .limitExceeded(_, _, let what, let limit):
            return
                "\(at): \(what) exceeds the limit of \(limit); a scenario file never needs that much, split or simplify it."
        case .outsideModel(_, _, let caseName, let key, let reason):
            return
                "\(at): case '\(caseName)' cannot use expect: model: '\(key)' \(reason), which the rule model does not cover; write an explicit expect (outcome: accepted, or outcome: rejected with a message) for this case."
        }
    }

    /// The allowed word closest to a misspelling, when it is close enough to be a typo.
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, word.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
