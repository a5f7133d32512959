import Foundation

/// An error with a stable code, shown to users as `error[code]: ...` and in JSON output, so
/// scripts and tests can tell failures apart without matching prose.
public protocol CodedError: Error, CustomStringConvertible {
    var code: String { get }
}

extension ClusterKitError: CodedError {}
extension InstallationError: CodedError {}

extension ConfigGrammar {
    /// Text for a terminal: line breaks and tabs kept, every other control character (an
    /// ANSI escape sequence starts with ESC) shown escaped so it cannot act on the terminal.
    public static func terminalSafe(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                line.split(separator: "\t", omittingEmptySubsequences: false).map { escaped(String($0)) }
                    .joined(separator: "\t")
            }
            .joined(separator: "\n")
    }
}
