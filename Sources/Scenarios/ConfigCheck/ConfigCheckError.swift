/// Why `check-config` cannot reproduce a configuration, or cannot read it. One case per
/// problem, each naming the file and line and what to do; `code` is stable.
public enum ConfigCheckError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    /// A setting or hba line the throwaway cluster cannot reproduce faithfully.
    case cannotReproduce(file: String, line: Int, what: String, why: String)
    case malformedHBALine(file: String, line: Int, text: String, problem: String)
    /// The data directory's major is not installed.
    case majorNotInstalled(major: Int, installed: [Int])

    public var code: String {
        switch self {
        case .unreadable: "config-unreadable"
        case .cannotReproduce: "config-not-reproducible"
        case .malformedHBALine: "hba-malformed"
        case .majorNotInstalled: "major-not-installed"
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .cannotReproduce(let file, let line, let what, let why):
            return
                "\(file):\(line): cannot reproduce \(what) on a throwaway cluster: \(why). Nothing was started; remove or rewrite that line in a copy and check the copy."
        case .malformedHBALine(let file, let line, let text, let problem):
            return "\(file):\(line): pg_hba.conf line '\(text)' is malformed: \(problem)"
        case .majorNotInstalled(let major, let installed):
            return
                "the data directory is PostgreSQL \(major), but only \(installed.map(String.init).joined(separator: ", ")) is installed here: pass --pg-bindir with a PostgreSQL \(major) bindir"
        }
    }
}
