import Foundation

/// A cluster's server log (postgres' stderr, written by pg_ctl -l), read by position.
///
/// `mark()` remembers the current end; `lines(since:)` returns what the server wrote after
/// it. That pairs a connection attempt with the FATAL/LOG/DETAIL lines it caused. The log
/// line prefix is set by the harness (`%m [%p] {%r} <%e> `) so lines can be matched to a client
/// by its remote port (application_name is not known yet when authentication fails), carry
/// the SQLSTATE of the error they report (libpq 15 has no API for a failed connection's
/// SQLSTATE, and pg_hba.conf/password failures are not in its protocol trace), and the
/// prefix is stripped for comparisons.
public struct ServerLog: Sendable {
    public let path: String

    /// A byte offset in the log.
    public struct Mark: Sendable, Hashable, Comparable {
        public let offset: UInt64
        public init(offset: UInt64) { self.offset = offset }
        public static let start = Mark(offset: 0)
        public static func < (lhs: Mark, rhs: Mark) -> Bool { lhs.offset < rhs.offset }
    }

    /// One parsed line: the prefix fields and the rest ("FATAL:  no pg_hba.conf entry ...").
    public struct Line: Sendable, Hashable, CustomStringConvertible {
        public let raw: String
        public let pid: Int?
        /// "127.0.0.1(54321)" or "[local]"; nil for non-session processes.
        public let remote: String?
        public let applicationName: String?
        /// The `%e` field: "28000", "08P01", "00000" for plain LOG lines; nil when absent.
        public var sqlstate: String? = nil
        /// "FATAL", "LOG", "DETAIL", "HINT", "ERROR", "WARNING", "CONTEXT", ... when recognisable.
        public let severity: String?
        /// The text after "SEVERITY:  ".
        public let message: String
        public var description: String { severity.map { "\($0):  \(message)" } ?? message }
        public var remotePort: Int? {
            guard let remote, let open = remote.lastIndex(of: "("), remote.hasSuffix(")") else { return nil }
            return Int(remote[remote.index(after: open)..<remote.index(before: remote.endIndex)])
        }
    }

    public init(path: String) { self.path = path }

    public func mark() -> Mark {
        var st = stat()
        guard stat(path, &st) == 0 else { return Mark(offset: 0) }
        return Mark(offset: UInt64(st.st_size))
    }

    public func text(since mark: Mark = .start) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: mark.offset)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    public func lines(since mark: Mark = .start) -> [Line] {
        text(since: mark).split(separator: "\n").map { ServerLog.parse(String($0)) }
    }

    /// True when a line written after `mark` matches `pattern` (a regular expression).
    public func contains(_ pattern: String, since mark: Mark = .start) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return lines(since: mark).contains { line in
            regex.firstMatch(in: line.raw, range: NSRange(line.raw.startIndex..., in: line.raw)) != nil
        }
    }

    static let severities = [
        "PANIC", "FATAL", "ERROR", "WARNING", "NOTICE", "LOG", "INFO", "DEBUG",
        "DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION",
    ]

    /// Parses "2026-11-23 10:00:00.123 UTC [1234] {127.0.0.1(5432)} [app] FATAL:  text".
    public static func parse(_ raw: String) -> Line {
        var rest = Substring(raw)
        var pid: Int? = nil
        var remote: String? = nil
        var app: String? = nil
        var sqlstate: String? = nil
        if let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]"),
            let p = Int(rest[rest.index(after: open)..<close])
        {
            pid = p
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
            if rest.first == "{", let end = rest.firstIndex(of: "}") {
                let text = String(rest[rest.index(after: rest.startIndex)..<end])
                remote = text.isEmpty ? nil : text
                rest = rest[rest.index(after: end)...].drop { $0 == " " }
                if rest.first == "<", let end = rest.firstIndex(of: ">"),
                    rest.distance(from: rest.startIndex, to: end) == 6
                {
                    sqlstate = String(rest[rest.index(after: rest.startIndex)..<end])
                    rest = rest[rest.index(after: end)...].drop { $0 == " " }
                }
                if rest.first == "[", let end = rest.firstIndex(of: "]") {
                    let name = String(rest[rest.index(after: rest.startIndex)..<end])
                    app = name.isEmpty ? nil : name
                    rest = rest[rest.index(after: end)...].drop { $0 == " " }
                }
            }
        }
        var severity: String? = nil
        for candidate in severities where rest.hasPrefix(candidate + ":") {
            severity = candidate
            rest = rest.dropFirst(candidate.count + 1).drop { $0 == " " }
            break
        }
        return Line(
            raw: raw, pid: pid, remote: remote, applicationName: app, sqlstate: sqlstate, severity: severity,
            message: String(rest))
    }
}
