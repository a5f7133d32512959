import ClusterKit
import Foundation

/// What a throwaway cluster needs to behave like the real server's TLS and pg_hba setup:
/// the TLS settings with their files' contents (read once, never written back), and one
/// pg_hba.conf per client address the real lines distinguish.
///
/// The throwaway cluster listens on 127.0.0.1 only, so a line for another address is tested
/// as if the client came from that line's first address: the cluster gets every line that
/// address would reach, in order, rewritten to 127.0.0.1/32, and nothing else.
public struct ConfigReproduction: Sendable {
    /// A file the server reads, copied into the cluster (`name` there).
    public struct ServerFile: Sendable {
        public var setting: String
        public var sourcePath: String
        public var name: String
        public var contents: Data
        public var isDirectory: Bool
        /// For a CRL directory: file name -> contents.
        public var entries: [String: Data]
    }

    /// One cluster: the client address it stands for and its pg_hba lines.
    public struct AddressGroup: Sendable {
        /// "127.0.0.1" for loopback, all and samehost/samenet; else the first address of the line's range.
        public var address: String
        public var lines: [HBAFileLine]
        /// The lines tested from this address (the others are only there to be matched first).
        public var tested: [HBAFileLine]
    }

    /// TLS settings reproduced exactly (file paths replaced by the copies).
    public static let tlsSettings: [String] = [
        "ssl", "ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_crl_file", "ssl_crl_dir",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "ssl_ciphers", "ssl_prefer_server_ciphers",
        "ssl_ecdh_curve", "ssl_dh_params_file", "password_encryption",
    ]
    static let fileSettings: [String: String] = [
        "ssl_cert_file": "server.crt", "ssl_key_file": "server.key", "ssl_ca_file": "", "ssl_crl_file": "",
        "ssl_crl_dir": "", "ssl_dh_params_file": "",
    ]

    public var settings: [String: String]
    public var files: [ServerFile]
    public var groups: [AddressGroup]
    /// Lines not tested, each with why (replication, hostgssenc, local).
    public var notes: [String]
    public var hbaPath: String
    public var confPath: String?

    /// Reads every file named by the TLS settings (relative to `baseDirectory`, as the server
    /// resolves them against its data directory) and plans the address groups.
    public init(hba: [HBAFileLine], hbaPath: String, conf: ServerConfigFile?, baseDirectory: String) throws {
        self.hbaPath = hbaPath
        confPath = conf?.path
        var settings: [String: String] = [:]
        if let conf {
            if let command = conf.settings["ssl_passphrase_command"], !command.value.isEmpty {
                throw ConfigCheckError.cannotReproduce(
                    file: command.file.isEmpty ? conf.path : command.file, line: command.line,
                    what: "ssl_passphrase_command",
                    why: "it would run your command here; check a copy with an unencrypted test key instead")
            }
            for name in Self.tlsSettings { if let value = conf[name] { settings[name] = value } }
        }
        var files: [ServerFile] = []
        let ssl = ["on", "true", "yes", "1"].contains((settings["ssl"] ?? "off").lowercased())
        for (name, defaultValue) in Self.fileSettings.sorted(by: { $0.key < $1.key }) {
            let value = settings[name] ?? defaultValue
            guard ssl, !value.isEmpty else { continue }
            let path = value.hasPrefix("/") ? value : (baseDirectory as NSString).appendingPathComponent(value)
            files.append(try Self.read(setting: name, path: path))
        }
        self.settings = settings
        self.files = files

        var notes: [String] = []
        var byAddress: [[UInt8]: AddressGroup] = [:]
        var order: [[UInt8]] = []
        let loopback: [UInt8] = [127, 0, 0, 1]
        for line in hba where !line.isLocal {
            if line.databases.contains("replication") {
                notes.append("line \(line.number) is for replication connections: not tested")
                continue
            }
            if line.type == "hostgssenc" {
                notes.append("line \(line.number) (hostgssenc) matches only GSSAPI-encrypted connections: not tested")
                continue
            }
            let address = try Self.representative(line, hbaPath: hbaPath) ?? loopback
            if byAddress[address] == nil {
                order.append(address)
                let reached = try hba.filter { try $0.isLocal || Self.reaches($0, address, hbaPath: hbaPath) }
                byAddress[address] = AddressGroup(address: IPRange.format(address), lines: reached, tested: [])
                if address != loopback {
                    notes.append(
                        "lines for \(IPRange.format(address)) are tested as if that client connected: the cluster listens on 127.0.0.1 only, so it gets the lines that address reaches, rewritten to 127.0.0.1/32"
                    )
                }
            }
            byAddress[address]!.tested.append(line)
        }
        groups = order.map { byAddress[$0]! }
        self.notes = notes
    }

    /// The address a line is tested from: nil for all/samehost/samenet (loopback).
    static func representative(_ line: HBAFileLine, hbaPath: String) throws -> [UInt8]? {
        guard let address = line.address, !["all", "samehost", "samenet"].contains(address) else { return nil }
        guard let range = IPRange.parse(address) else {
            throw ConfigCheckError.cannotReproduce(
                file: hbaPath, line: line.number, what: "the host-name address '\(address)'",
                why:
                    "a throwaway cluster on 127.0.0.1 cannot be reached under another name's reverse lookup; write the line with the address range instead"
            )
        }
        let first = range.firstAddress
        if first == [127, 0, 0, 0] || first == [127, 0, 0, 1] || range.contains([127, 0, 0, 1]) { return nil }
        if range.bytes.count == 16 && range.contains(Array(repeating: 0, count: 15) + [1]) { return nil }
        return first
    }

    /// Whether a client at `address` reaches `line` (its address matches).
    static func reaches(_ line: HBAFileLine, _ address: [UInt8], hbaPath: String) throws -> Bool {
        guard let text = line.address else { return false }
        let isLoopback = address == [127, 0, 0, 1]
        if text == "all" { return true }
        if text == "samehost" || text == "samenet" { return isLoopback }
        guard let range = IPRange.parse(text) else { return false }
        if isLoopback {
            return range.contains(address)
                || (range.bytes.count == 16 && range.contains(Array(repeating: 0, count: 15) + [1]))
        }
        return range.contains(address)
    }

    static func read(setting: String, path: String) throws -> ServerFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigCheckError.unreadable(path: path, reason: "named by \(setting), but it does not exist")
        }
        let name = setting.replacingOccurrences(of: "ssl_", with: "").replacingOccurrences(of: "_file", with: "")
        if isDirectory.boolValue {
            var entries: [String: Data] = [:]
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                if let data = FileManager.default.contents(atPath: path + "/" + entry) { entries[entry] = data }
            }
            return ServerFile(
                setting: setting, sourcePath: path, name: name, contents: Data(), isDirectory: true, entries: entries)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigCheckError.unreadable(path: path, reason: "named by \(setting), but not readable")
        }
        return ServerFile(
            setting: setting, sourcePath: path, name: name, contents: data, isDirectory: false, entries: [:])
    }

    /// The line as the throwaway cluster gets it: the address replaced by 127.0.0.1/32.
    static func rule(_ line: HBAFileLine) -> HBARule? {
        var typeName = line.type
        if typeName == "hostnogssenc" { typeName = "host" }
        guard let type = HBARule.ConnectionType(rawValue: typeName) else { return nil }
        let options = line.options.sorted { $0.key < $1.key }.map { HBARule.Option($0.key, $0.value) }
        return HBARule(
            type, database: line.databases.map(quote).joined(separator: ","),
            user: line.users.map(quote).joined(separator: ","), address: line.isLocal ? nil : "127.0.0.1/32",
            method: line.method, options: options)
    }

    static func quote(_ token: String) -> String {
        token.contains(where: { $0 == " " || $0 == "," || $0.isUppercase }) ? "\"\(token)\"" : token
    }
}
