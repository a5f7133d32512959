import Foundation

/// Everything a probe tells libpq, as plain data: one field per libpq keyword that can
/// change the outcome of a TLS connection.
///
/// Hermeticity is a property of the value, not of the machine: `keywordValues(clientDirectory:)`
/// gives libpq an explicit, non-empty value for every keyword that has a file or environment
/// default. libpq ignores empty strings (they mean "use the default"), so a file the
/// scenario means to be absent is not `""` but `.none`, a path that cannot exist
/// (`<clientDirectory>/none/<keyword>`); libpq then behaves exactly as without the file
/// (a missing sslcert/sslcrl is skipped, a missing sslrootcert fails verify-ca/verify-full
/// with "root certificate file ... does not exist").
///
/// A few keywords have no value meaning "unset" (`ssl_max_protocol_version`, `options`,
/// `service`); for those the process environment is what could interfere, and `Probe`
/// clears every `PG*` variable before its first connection (see `ClientEnvironment`).
public struct ConnectionParameters: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Where a client-side file comes from.
    public enum File: Sendable, Hashable, Codable, CustomStringConvertible {
        /// This exact file.
        case path(String)
        /// No file: a path under `<clientDirectory>/none/` that is never created.
        case none
        /// The file libpq would use when the keyword is not given at all:
        /// `~/.postgresql/root.crt`, `postgresql.crt`, `postgresql.key`, `root.crl`, with `~`
        /// resolved as libpq 15.18 does: `$HOME` when set and non-empty, else the password
        /// database's home of the effective uid (checked against psql in ProbeHermeticTests).
        /// The probe passes that path explicitly and refuses to run
        /// (`Outcome.Result.notAttempted`) when the file exists: the result would then
        /// depend on the machine, not on the scenario.
        case libpqDefault

        public var description: String {
            switch self {
            case .path(let p): p
            case .none: "(none)"
            case .libpqDefault: "(libpq default)"
            }
        }
    }

    public var host: String
    /// Numeric address to connect to while `host` is used for verify-full and SNI.
    public var hostaddr: String?
    public var port: Int
    public var dbname: String
    public var user: String
    /// nil: no password (and `passfile` is pinned to a nonexistent file, so ~/.pgpass cannot supply one).
    public var password: String?
    public var sslmode: String
    public var sslrootcert: File
    public var sslcert: File
    public var sslkey: File
    /// nil: not passed, so an encrypted key fails to load; libpq 15 never prompts
    /// (its default key-password callback returns an empty password when none is set).
    public var sslpassword: String?
    public var sslcrl: File
    public var sslcrldir: File
    public var sslsni: Bool
    /// libpq 15's own default is TLSv1.2; it is always passed.
    public var sslMinProtocolVersion: String
    /// nil: no upper bound (libpq has no explicit "none" word, so it is left out).
    public var sslMaxProtocolVersion: String?
    public var channelBinding: String
    public var gssencmode: String
    public var connectTimeout: Int
    public var applicationName: String
    /// Keywords only newer libpq releases know; passed only when set.
    public var newer: NewerClientOptions

    public init(
        host: String = "127.0.0.1", hostaddr: String? = nil, port: Int,
        dbname: String = "postgres", user: String, password: String? = nil,
        sslmode: String, sslrootcert: File = .none, sslcert: File = .none, sslkey: File = .none,
        sslpassword: String? = nil, sslcrl: File = .none, sslcrldir: File = .none, sslsni: Bool = true,
        sslMinProtocolVersion: String = "TLSv1.2", sslMaxProtocolVersion: String? = nil,
        channelBinding: String = "prefer", gssencmode: String = "disable",
        connectTimeout: Int = 10, applicationName: String = "pg-ssl-matrix-probe",
        newer: NewerClientOptions = NewerClientOptions()
    ) {
        self.host = host
        self.hostaddr = hostaddr
        self.port = port
        self.dbname = dbname
        self.user = user
        self.password = password
        self.sslmode = sslmode
        self.sslrootcert = sslrootcert
        self.sslcert = sslcert
        self.sslkey = sslkey
        self.sslpassword = sslpassword
        self.sslcrl = sslcrl
        self.sslcrldir = sslcrldir
        self.sslsni = sslsni
        self.sslMinProtocolVersion = sslMinProtocolVersion
        self.sslMaxProtocolVersion = sslMaxProtocolVersion
        self.channelBinding = channelBinding
        self.gssencmode = gssencmode
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
        self.newer = newer
    }

    /// libpq 15's default file names under `~/.postgresql/` (fe-secure-openssl.c).
    static let defaultFileNames = [
        "sslrootcert": "root.crt", "sslcert": "postgresql.crt", "sslkey": "postgresql.key", "sslcrl": "root.crl",
    ]

    /// The home directory libpq 15.18 uses for `~/.postgresql` in this process
    /// (pqGetHomeDirectory: `$HOME` if non-empty, else getpwuid(geteuid())).
    public static var libpqHomeDirectory: String? {
        // getenv, not ProcessInfo's environment dictionary (rebuilt per call, on every case's path).
        if let raw = getenv("HOME"), raw.pointee != 0 { return String(cString: raw) }
        guard let pw = getpwuid(geteuid()), let dir = pw.pointee.pw_dir else { return nil }
        return String(cString: dir)
    }

    /// The path a file keyword resolves to. `.libpqDefault` of a keyword libpq has no
    /// default file for (sslcrldir) resolves like `.none`.
    public func path(of keyword: String, _ file: File, clientDirectory: String) -> String {
        switch file {
        case .path(let p):
            return p
        case .none:
            return "\(clientDirectory)/none/\(keyword)"
        case .libpqDefault:
            guard let name = ConnectionParameters.defaultFileNames[keyword],
                let home = ConnectionParameters.libpqHomeDirectory
            else {
                return "\(clientDirectory)/none/\(keyword)"
            }
            return "\(home)/.postgresql/\(name)"
        }
    }

    /// Default files (`.libpqDefault`) that exist on this machine; a hermetic probe refuses them.
    public func existingDefaultFiles(clientDirectory: String) -> [String] {
        // libpq reads ~/.postgresql/root.crl only when sslcrldir is unset too.
        let crlDirectoryGiven = if case .path = sslcrldir { true } else { false }
        return files.filter { $0.1 == .libpqDefault && !($0.0 == "sslcrl" && crlDirectoryGiven) }
            .map { path(of: $0.0, $0.1, clientDirectory: clientDirectory) }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    var files: [(String, File)] {
        [
            ("sslrootcert", sslrootcert), ("sslcert", sslcert), ("sslkey", sslkey), ("sslcrl", sslcrl),
            ("sslcrldir", sslcrldir),
        ]
    }

    /// The exact keyword/value pairs given to libpq, in a stable order. Besides the modelled
    /// fields, `passfile` is pinned to a nonexistent file (~/.pgpass cannot supply a
    /// password) and `target_session_attrs` to `any`. Keywords left out (options, service,
    /// keepalives, krbsrvname, ...) take libpq's compiled defaults, since `Probe` has cleared
    /// the PG* environment they would otherwise come from.
    public func keywordValues(clientDirectory: String) -> [(String, String)] {
        var pairs: [(String, String)] = [("host", host)]
        if let hostaddr { pairs.append(("hostaddr", hostaddr)) }
        pairs += [("port", String(port)), ("dbname", dbname), ("user", user)]
        if let password { pairs.append(("password", password)) }
        pairs.append(("passfile", "\(clientDirectory)/none/passfile"))
        pairs.append(("sslmode", sslmode))
        for (keyword, file) in files {
            // `.libpqDefault` is the keyword left unset, exactly as a user who does not set it:
            // libpq then picks its own default (and for sslcrl only when sslcrldir is unset
            // too; an explicit ~/.postgresql/root.crl beside sslcrldir would instead make the
            // one X509_STORE_load_locations call fail and switch CRL checking off).
            if file == .libpqDefault { continue }
            // libpq 15 loads sslcrl and sslcrldir with one X509_STORE_load_locations call and
            // enables CRL checking only if it succeeds: a nonexistent sslcrl would make it
            // fail and silently switch off the sslcrldir check. With a CRL directory given,
            // "no CRL file" is therefore said by leaving sslcrl out (libpq then consults no
            // default file, and PGSSLCRL is cleared from the environment).
            if keyword == "sslcrl", file == .none, case .path = sslcrldir { continue }
            pairs.append((keyword, path(of: keyword, file, clientDirectory: clientDirectory)))
        }
        if let sslpassword { pairs.append(("sslpassword", sslpassword)) }
        pairs.append(("sslsni", sslsni ? "1" : "0"))
        pairs.append(("ssl_min_protocol_version", sslMinProtocolVersion))
        if let sslMaxProtocolVersion { pairs.append(("ssl_max_protocol_version", sslMaxProtocolVersion)) }
        pairs += [
            ("channel_binding", channelBinding), ("gssencmode", gssencmode),
            ("target_session_attrs", "any"),
            ("connect_timeout", String(connectTimeout)), ("application_name", applicationName),
        ]
        return pairs + newer.keywordValues
    }

    /// The same parameters as one conninfo string (`key='value' ...`), as a DBA would type it
    /// for `psql "..."`. Values are always single-quoted with `\` and `'` escaped.
    public func conninfo(clientDirectory: String) -> String {
        keywordValues(clientDirectory: clientDirectory).map { key, value in
            "\(key)='" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
                + "'"
        }.joined(separator: " ")
    }

    public var description: String {
        var parts = ["host=\(host)"]
        if let hostaddr { parts.append("hostaddr=\(hostaddr)") }
        parts += ["port=\(port)", "dbname=\(dbname)", "user=\(user)", "sslmode=\(sslmode)"]
        for (keyword, file) in files where file != .none { parts.append("\(keyword)=\(file)") }
        if password != nil { parts.append("password=***") }
        if sslpassword != nil { parts.append("sslpassword=***") }
        if !sslsni { parts.append("sslsni=0") }
        if sslMinProtocolVersion != "TLSv1.2" { parts.append("ssl_min_protocol_version=\(sslMinProtocolVersion)") }
        if let sslMaxProtocolVersion { parts.append("ssl_max_protocol_version=\(sslMaxProtocolVersion)") }
        if channelBinding != "prefer" { parts.append("channel_binding=\(channelBinding)") }
        if gssencmode != "disable" { parts.append("gssencmode=\(gssencmode)") }
        parts += newer.keywordValues.map { "\($0.0)=\($0.1)" }
        return parts.joined(separator: " ")
    }
}
