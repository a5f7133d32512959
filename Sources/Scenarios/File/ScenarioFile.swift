import ClusterKit
import Foundation
import Yams

/// A user's scenario file, read and checked: one or more groups, each one server
/// configuration (PKI, settings, pg_hba, pg_ident, roles) and the connection attempts to
/// make against it with what each must do.
///
/// The file is only data; `ScenarioRunner.run(file.groups)` does the work. Reading a file
/// never starts anything, so a malformed file fails before any cluster exists, with one
/// `ScenarioFileError` naming the file, the line and the fix. The format is documented in
/// `Sources/Scenarios/examples/README.md`.
public struct ScenarioFile: Sendable {
    /// The path as given.
    public var path: String
    /// The file's `description`, if any.
    public var summary: String?
    /// One per cluster. A file without `groups:` has exactly one, named after the file.
    public var groups: [RunnableGroup]

    public var caseCount: Int { groups.reduce(0) { $0 + $1.cases.count } }

    /// Reads and checks a file (YAML, or JSON: JSON is YAML).
    /// - expectModel: predict every case by the model (the file's log, stderr and query
    ///   checks kept), to check the model against the file; a case it cannot cover fails the load.
    public static func load(path: String, expectModel: Bool = false) throws -> ScenarioFile {
        let text: String
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > YAMLLimits.maxBytes {
                throw ScenarioFileError.limitExceeded(
                    file: path, line: 1, what: "the file size (\(size) bytes)", limit: "\(YAMLLimits.maxBytes) bytes")
            }
            if attributes[.type] as? FileAttributeType != .typeRegular {
                throw ScenarioFileError.unreadable(file: path, reason: "not a regular file")
            }
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch let error as ScenarioFileError {
            throw error
        } catch {
            throw ScenarioFileError.unreadable(file: path, reason: SystemErrorText.describe(error))
        }
        return try parse(text, file: path, expectModel: expectModel)
    }

    /// Checks text as if it were the file `file` (which names groups and error messages).
    public static func parse(_ text: String, file: String, expectModel: Bool = false) throws -> ScenarioFile {
        try YAMLLimits.checkText(text, file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ScenarioFileError.yamlSyntax(file: file, line: 1, column: 1, problem: "\(error)")
        }
        guard let root else {
            throw ScenarioFileError.missingKey(
                file: file, line: 1, key: "cases", context: "the top level (the file is empty)")
        }
        try YAMLLimits.checkTree(root, file: file)
        let parser = ScenarioFileParser(file: file, expectModel: expectModel)
        return try parser.parseFile(YAMLCursor(node: root, file: file, path: ""))
    }

    /// The file name without directory and extension: the group id of a one-group file.
    static func baseName(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    private static func syntaxError(_ error: YamlError, file: String) -> ScenarioFileError {
        func contextText(_ c: YamlError.Context?) -> String {
            guard let c else { return "" }
            return "\(c.text) (line \(c.mark.line)): "
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return .yamlSyntax(
                file: file, line: mark.line, column: mark.column, problem: contextText(context) + problem)
        case .reader(let problem, _, _, _):
            return .yamlSyntax(file: file, line: 1, column: 1, problem: problem)
        default:
            return .yamlSyntax(file: file, line: 1, column: 1, problem: "\(error)")
        }
    }
}
