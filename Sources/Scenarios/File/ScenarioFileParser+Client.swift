import ClusterKit
import Foundation

/// Client parameters as written (a case's `client` over the group's `client_defaults`),
/// kept as cursors so the merged value is still reported at its own line.
struct ClientFields {
    var fields: [String: YAMLCursor] = [:]
    var isEmpty: Bool { fields.isEmpty }
    mutating func merge(_ other: ClientFields) { fields.merge(other.fields) { _, new in new } }
    subscript(_ key: String) -> YAMLCursor? { fields[key] }
}

extension ScenarioFileParser {
    /// libpq's own keyword names, plus `transport`.
    static let clientKeys = [
        "transport", "host", "dbname", "user", "password", "sslmode", "sslrootcert", "sslcert", "sslkey",
        "sslpassword", "sslcrl", "sslcrldir", "ssl_min_protocol_version", "ssl_max_protocol_version",
        "channel_binding", "sslcertmode", "require_auth", "sslnegotiation", "hostaddr", "raw",
    ]
    /// Keywords `raw:` may hand to libpq unchecked: the ones whose values libpq validates
    /// itself, so a file can test that validation ("invalid sslmode value", ...). File
    /// keywords stay out: a raw path could reach the machine's own files.
    static let rawKeys = [
        "sslmode", "ssl_min_protocol_version", "ssl_max_protocol_version", "channel_binding", "sslcertmode",
        "require_auth", "sslnegotiation",
    ]
    static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    func clientFields(_ c: YAMLCursor) throws -> ClientFields {
        let m = try c.mapping(allowed: Self.clientKeys)
        var out = ClientFields()
        for (key, value, _) in m.entries where !value.isNull && key != "raw" { out.fields[key] = value }
        if let raw = m["raw"] {
            let r = try raw.mapping(allowed: Self.rawKeys)
            for (key, value, _) in r.entries {
                let text = try value.string()
                if text.unicodeScalars.contains("\0") {
                    throw ScenarioFileError.unsafeValue(
                        file: file, line: value.line, context: "'\(value.path)'",
                        reason:
                            "a NUL would cut the value where libpq reads it as a C string, so libpq would see another value"
                    )
                }
                out.fields["raw." + key] = value
            }
        }
        return out
    }

    /// A `ClientTemplate`: `user` is required; `sslmode` defaults to libpq's `prefer`; a file
    /// parameter names a PKI file, or says `missing` (a path that does not exist) or
    /// `default` (libpq's ~/.postgresql/ file); absent means `missing`, so no case ever
    /// picks up a file from the machine by accident.
    func clientTemplate(_ f: ClientFields, at c: YAMLCursor, pki: ParsedPKI) throws -> ClientTemplate {
        guard let userCursor = f["user"] else {
            throw ScenarioFileError.missingKey(
                file: file, line: c.line, key: "user", context: "'\(c.path)' (or client_defaults)")
        }
        func fileRef(_ key: String) throws -> ClientTemplate.FileRef {
            guard let v = f[key] else { return .none }
            let name = try v.nonEmptyString()
            switch name {
            case "missing": return .none
            case "default": return .libpqDefault
            case "system" where key == "sslrootcert": return .literal("system")
            case let n where n.hasPrefix("nonexistent:"):
                let path = String(n.dropFirst("nonexistent:".count))
                guard !path.isEmpty, !path.contains("/"), path != ".", path != "..",
                    ConfigGrammar.controlCharacter(in: path) == nil
                else {
                    throw v.invalid(
                        ConfigGrammar.escaped(n),
                        expected:
                            "nonexistent:NAME, a plain file name (no '/') that must not exist where the probe runs")
                }
                return .nonexistent(path)
            default:
                guard pki.fileNames.contains(name) else {
                    throw ScenarioFileError.undefinedName(
                        file: file, line: v.line, kind: "pki file", name: name,
                        defined: pki.fileNames + ["missing", "default"])
                }
                return .pki(name)
            }
        }
        let transport = try f["transport"]?.word(["tcp", "unix-socket"]) ?? "tcp"
        var template = ClientTemplate(
            transport: transport == "tcp" ? .tcp : .unixSocket, host: try f["host"]?.nonEmptyString() ?? "127.0.0.1",
            dbname: try f["dbname"]?.nonEmptyString() ?? "postgres", user: try userCursor.nonEmptyString(),
            password: try f["password"]?.string(), sslmode: try f["sslmode"]?.word(Self.sslModes) ?? "prefer",
            sslrootcert: try fileRef("sslrootcert"), sslcert: try fileRef("sslcert"), sslkey: try fileRef("sslkey"),
            sslpassword: try f["sslpassword"]?.string(), sslcrl: try fileRef("sslcrl"),
            sslcrldir: try fileRef("sslcrldir"),
            sslMinProtocolVersion: try f["ssl_min_protocol_version"]?.word(Self.protocols) ?? "TLSv1.2",
            sslMaxProtocolVersion: try f["ssl_max_protocol_version"]?.word(Self.protocols),
            channelBinding: try f["channel_binding"]?.word(["disable", "prefer", "require"]) ?? "prefer")
        // Keywords of newer libpq releases go to libpq as written: an older libpq answers
        // "invalid connection option", a newer one validates the value itself.
        template.newer = NewerClientOptions(
            sslcertmode: try f["sslcertmode"]?.nonEmptyString(), requireAuth: try f["require_auth"]?.nonEmptyString(),
            sslnegotiation: try f["sslnegotiation"]?.nonEmptyString())
        if let h = f["hostaddr"] {
            let value = try h.word(["127.0.0.1", "none"])
            if transport != "tcp" {
                throw ScenarioFileError.conflict(
                    file: file, line: h.line, reason: "hostaddr applies to transport: tcp; remove it for a Unix socket."
                )
            }
            template.hostaddr = value == "none" ? nil : value
        }
        // `raw:` values go to libpq as written, over the checked keys of the same name.
        for key in Self.rawKeys {
            guard let value = try f["raw." + key]?.string() else { continue }
            switch key {
            case "sslmode": template.sslmode = value
            case "ssl_min_protocol_version": template.sslMinProtocolVersion = value
            case "ssl_max_protocol_version": template.sslMaxProtocolVersion = value
            case "channel_binding": template.channelBinding = value
            case "sslcertmode": template.newer.sslcertmode = value
            case "require_auth": template.newer.requireAuth = value
            default: template.newer.sslnegotiation = value
            }
            template.rawKeywords.append(key)
        }
        return template
    }
}
