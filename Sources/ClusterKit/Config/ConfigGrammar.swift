import Foundation

/// The grammar of the three files the harness writes for a server (postgresql.conf include,
/// pg_hba.conf, pg_ident.conf), so that a value always stays the one value it was meant to be.
///
/// A scenario's author is trusted like a Makefile's, but a file must never mean something
/// other than what it says: a newline inside an hba `method` must not add a `trust` line, a
/// quote inside a setting must not start a second setting, and nothing may reach a setting
/// the harness owns. Every value is therefore checked (or quoted) for the file it goes into,
/// following the server's own lexers: `guc-file.l` for postgresql.conf (single-quoted
/// strings, `''` or `\'` for a quote, backslash escapes) and `next_token()` in `hba.c` for
/// pg_hba.conf and pg_ident.conf (blanks and commas separate tokens, `#` starts a comment,
/// double quotes protect them, `""` inside quotes is a literal quote).
public enum ConfigGrammar {
    /// Which file a value is written into, for messages.
    public enum File: String, Sendable {
        case postgresqlConf = "postgresql.conf"
        case hba = "pg_hba.conf"
        case ident = "pg_ident.conf"
    }

    /// hba.c reads at most this many bytes per token (MAX_TOKEN, 10240 since PostgreSQL 13).
    public static let maxTokenBytes = 10_000

    /// Control characters end a line (\n, \r) or a C string (NUL) in every one of these files,
    /// and no legitimate value needs one.
    public static func controlCharacter(in value: String) -> Unicode.Scalar? {
        value.unicodeScalars.first { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// Refuses control characters; the message names the file and field.
    public static func checkNoControlCharacters(_ value: String, file: File, field: String) throws {
        if let bad = controlCharacter(in: value) {
            throw ClusterKitError.unsafeConfigValue(
                file: file.rawValue, field: field, value: value,
                reason: "it contains the control character \(escaped(String(bad))), which would end the line")
        }
    }

    // MARK: postgresql.conf

    /// A single-quoted postgresql.conf string. guc-file.l reads `''` and `\'` as a quote and
    /// `\\` as one backslash, so both are escaped: the server reads back exactly `value`.
    public static func confString(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// guc-file.l's names: an identifier (`[A-Za-z_][A-Za-z0-9_]*`) or one qualified
    /// `ext.name` for a custom setting. `123` or `a.b.c` are not names.
    public static func isSettingName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.first, first.isASCII, first.isLetter || first == "_" else { return false }
            return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
    }

    /// Names the harness sets itself (so it reaches its own server, logs what it reads, and
    /// can clean up after a crash), plus the file-inclusion directives through which another
    /// file could set them. Compared case-insensitively, as the server compares names.
    public static let reservedSettings: Set<String> = [
        "listen_addresses", "port", "unix_socket_directories", "unix_socket_permissions", "unix_socket_group",
        "cluster_name", "logging_collector", "log_destination", "log_line_prefix", "lc_messages",
        "dynamic_shared_memory_type", "data_directory", "config_file", "hba_file", "ident_file",
        "external_pid_file", "include", "include_if_exists", "include_dir",
    ]

    public static func isReservedSetting(_ name: String) -> Bool {
        reservedSettings.contains(name.lowercased())
    }

    // MARK: pg_hba.conf / pg_ident.conf

    /// Checks that `value` is exactly one token for hba.c's `next_token()`: no control
    /// characters, blanks and `#` only inside double quotes, quotes balanced. Commas are
    /// allowed outside quotes only when `allowList` (database and user fields take lists).
    public static func checkHBAToken(_ value: String, file: File, field: String, allowList: Bool = false) throws {
        try checkNoControlCharacters(value, file: file, field: field)
        func refuse(_ reason: String) -> ClusterKitError {
            .unsafeConfigValue(file: file.rawValue, field: field, value: value, reason: reason)
        }
        if value.isEmpty { throw refuse("it is empty") }
        if value.utf8.count > maxTokenBytes { throw refuse("it is longer than \(maxTokenBytes) bytes") }
        var inQuote = false
        for ch in value {
            if ch == "\"" {
                inQuote.toggle()
            } else if !inQuote {
                if ch == " " || ch == "\t" {
                    throw refuse("a blank outside double quotes would start another field; quote it: \"a b\"")
                }
                if ch == "#" { throw refuse("'#' outside double quotes starts a comment; quote it") }
                if ch == "," && !allowList {
                    throw refuse("',' outside double quotes separates list items; quote it")
                }
            }
        }
        if inQuote { throw refuse("a double quote is not closed") }
    }

    /// A literal text as one hba/ident token: bare when no character of it means anything
    /// to the tokenizer, otherwise in double quotes with `""` for a quote.
    public static func hbaQuoted(_ value: String) -> String {
        let special: Set<Character> = [" ", "\t", ",", "#", "\"", "="]
        let plain = !value.isEmpty && !value.contains(where: { special.contains($0) })
        return plain ? value : "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Control characters and other invisible code points as `\n`, `\u{1B}`: how names and
    /// values are shown in messages and reports, so a name cannot rewrite the terminal.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    || scalar.properties.generalCategory == .format
                {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
