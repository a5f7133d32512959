import Foundation

/// postgresql.conf settings as typed, ordered data.
///
/// The harness never edits postgresql.conf in place: the template's postgresql.conf ends
/// with `include 'pg-ssl-matrix.conf'`, and that one harness-owned file is rewritten whole
/// from a `ServerSettings` value. What the file says is therefore always exactly what the
/// scenario asked for, and the text can be shown to a DBA verbatim.
public struct ServerSettings: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Value: Sendable, Hashable, Codable, CustomStringConvertible {
        case string(String)
        case bool(Bool)
        case int(Int)
        /// Written as is (units like '16MB', enum words); still quoted.
        case raw(String)

        public var description: String {
            switch self {
            case .string(let s), .raw(let s): return ConfigGrammar.confString(s)
            case .bool(let b): return b ? "on" : "off"
            case .int(let i): return String(i)
            }
        }
    }

    /// In insertion order; setting a name again replaces its value in place.
    public private(set) var entries: [(name: String, value: Value)] = []

    public init() {}

    public init(_ pairs: [(String, Value)]) {
        for (name, value) in pairs { self[name] = value }
    }

    public subscript(name: String) -> Value? {
        get { entries.first { $0.name == name }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((name, newValue))
            }
        }
    }

    /// Later settings win, as they would further down postgresql.conf.
    public func merging(_ other: ServerSettings) -> ServerSettings {
        var result = self
        for (name, value) in other.entries { result[name] = value }
        return result
    }

    /// Names PostgreSQL's configuration lexer reads as one name (`ConfigGrammar.isSettingName`).
    public static func isValidName(_ name: String) -> Bool { ConfigGrammar.isSettingName(name) }

    /// A scenario's settings: valid names, none the harness owns (in any letter case, as the
    /// server compares them), no value that could end its line.
    public func validate() throws {
        for entry in entries {
            guard ServerSettings.isValidName(entry.name) else {
                throw ClusterKitError.invalidSetting(
                    name: ConfigGrammar.escaped(entry.name),
                    reason:
                        "not a valid parameter name (a letter or '_' first, then letters, digits, '_'; one '.' for an extension's setting)"
                )
            }
            if ConfigGrammar.isReservedSetting(entry.name) {
                throw ClusterKitError.reservedSetting(name: entry.name)
            }
            if case .string(let text) = entry.value {
                try ConfigGrammar.checkNoControlCharacters(text, file: .postgresqlConf, field: entry.name)
            } else if case .raw(let text) = entry.value {
                try ConfigGrammar.checkNoControlCharacters(text, file: .postgresqlConf, field: entry.name)
            }
        }
    }

    public var text: String {
        entries.map { "\($0.name) = \($0.value)" }.joined(separator: "\n") + (entries.isEmpty ? "" : "\n")
    }

    public var description: String { text }

    // MARK: Hashable/Codable (tuples are neither)

    public static func == (lhs: ServerSettings, rhs: ServerSettings) -> Bool {
        lhs.entries.map(\.name) == rhs.entries.map(\.name) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.name)
            hasher.combine(entry.value)
        }
    }

    private struct Pair: Codable { let name: String; let value: Value }

    public init(from decoder: any Decoder) throws {
        let pairs = try [Pair](from: decoder)
        for pair in pairs { self[pair.name] = pair.value }
    }

    public func encode(to encoder: any Encoder) throws {
        try entries.map { Pair(name: $0.name, value: $0.value) }.encode(to: encoder)
    }
}

extension ServerSettings {
    /// The usual TLS settings by name, so scenarios read like postgresql.conf.
    public static func ssl(
        certFile: String, keyFile: String, caFile: String? = nil,
        crlFile: String? = nil, crlDir: String? = nil
    ) -> ServerSettings {
        var s = ServerSettings()
        s["ssl"] = .bool(true)
        s["ssl_cert_file"] = .string(certFile)
        s["ssl_key_file"] = .string(keyFile)
        if let caFile { s["ssl_ca_file"] = .string(caFile) }
        if let crlFile { s["ssl_crl_file"] = .string(crlFile) }
        if let crlDir { s["ssl_crl_dir"] = .string(crlDir) }
        return s
    }
}
