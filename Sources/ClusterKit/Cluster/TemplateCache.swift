import Foundation

/// initdb's result kept between runs, so that a run (every `sslmatrix` command, every test
/// process) copies a template instead of waiting ~0.7 s for initdb first.
///
/// Entries live in `<workspace base>/templates/<major>-<identity>/data`, on the same file
/// system as the run directories (tmpfs when /dev/shm is writable: gone at reboot). The
/// identity covers everything initdb's output depends on: the `postgres` and `initdb`
/// binaries (device, inode, size, mtime: a package upgrade makes a new entry), the library
/// path the installation runs with, the server account, and the harness's own initdb
/// arguments and configuration (`format`). A template is made by initdb inside the run
/// directory (a run killed meanwhile leaves it to the reaper) and then renamed into place:
/// rename is atomic, so another process sees a whole template or none, and when two runs
/// race, the first rename wins and the other discards its copy. Nothing ever starts a
/// server in an entry: clusters are copies.
enum TemplateCache {
    /// How templates are made: initdb's options as `TemplateStore.initdbOptions` has them, and a
    /// version for what `TemplateStore.initdb` writes after initdb (bump it when that changes).
    static let format =
        "3: compacted postgresql.conf + include; initdb " + TemplateStore.initdbOptions.joined(separator: " ")

    /// An entry whose binaries changed or went away is removed once nobody used it for this
    /// long (a run started before a package upgrade may still be copying from it).
    static let staleAfter: TimeInterval = 3600

    static func directory(_ workspace: Workspace) -> String { workspace.base + "/templates" }

    /// The cached template's data directory for `installation`, or nil when there is none
    /// (or the entry is not a complete template: then it is removed).
    static func lookUp(_ installation: Installation, _ workspace: Workspace) -> String? {
        guard let entry = entry(installation, workspace)?.path else { return nil }
        let data = entry + "/data"
        guard FileManager.default.fileExists(atPath: data) else { return nil }
        if isComplete(data, major: installation.major) {
            // Touched so that a sweep never takes an entry in use.
            utime(entry, nil)
            return data
        }
        SecureFiles.remove(entry)
        return nil
    }

    /// Moves a template made in the run directory (`made`: its data directory, whose parent
    /// is the template's own directory) into the cache. Returns the data directory to use:
    /// the cached one, or `made` itself when the cache cannot take it.
    static func store(_ made: String, _ installation: Installation, _ workspace: Workspace) -> String {
        guard let (entry, identity) = entry(installation, workspace) else { return made }
        let dir = directory(workspace)
        let source = (made as NSString).deletingLastPathComponent
        do {
            try SecureFiles.makeDirectory(dir, mode: 0o711)
            try SecureFiles.write(identity, to: source + "/identity", mode: 0o644)
        } catch {
            return made
        }
        sweep(dir, keeping: entry)
        if rename(source, entry) == 0 { return entry + "/data" }
        // Another run stored the same template first: use that one, drop ours.
        if let cached = lookUp(installation, workspace) {
            SecureFiles.remove(source)
            return cached
        }
        return made
    }

    /// initdb's output, without a server having run in it.
    static func isComplete(_ data: String, major: Int) -> Bool {
        guard let version = try? String(contentsOfFile: data + "/PG_VERSION", encoding: .utf8),
            version.trimmingCharacters(in: .whitespacesAndNewlines) == String(major)
        else { return false }
        let manager = FileManager.default
        return manager.fileExists(atPath: data + "/" + TemplateStore.includeFile)
            && manager.fileExists(atPath: data + "/global/pg_control")
            && !manager.fileExists(atPath: data + "/postmaster.pid")
    }

    /// The entry's directory for `installation` and the identity text it is named after; nil
    /// when its binaries cannot be examined.
    static func entry(_ installation: Installation, _ workspace: Workspace) -> (path: String, identity: String)? {
        guard let binaries = binaryIdentity(bindir: installation.bindir) else { return nil }
        let identity = [
            format, "bindir \(installation.bindir)", "library path \(installation.libraryPath ?? "")",
            "uid \(workspace.account.uid)", binaries,
        ].joined(separator: "\n")
        guard let digest = try? OpenSSLDigest.sha256(Data(identity.utf8)) else { return nil }
        let hex = digest.prefix(8).map { String(format: "%02x", $0) }.joined()
        return (directory(workspace) + "/\(installation.major)-\(hex)", identity)
    }

    /// The postgres and initdb binaries as the file system has them now.
    static func binaryIdentity(bindir: String) -> String? {
        var lines: [String] = []
        for tool in ["postgres", "initdb"] {
            var st = stat()
            guard stat(bindir + "/" + tool, &st) == 0 else { return nil }
            lines.append("\(tool) \(st.st_dev) \(st.st_ino) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)")
        }
        return lines.joined(separator: "\n")
    }

    /// Removes entries that can no longer be used (their format is not this harness's, or
    /// their binaries changed or went away) once untouched for `staleAfter`; never `keeping`,
    /// never a current entry.
    static func sweep(_ dir: String, keeping: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let now = Date().timeIntervalSince1970
        for name in names where dir + "/" + name != keeping {
            let path = dir + "/" + name
            if let identity = try? String(contentsOfFile: path + "/identity", encoding: .utf8), isCurrent(identity) {
                continue
            }
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            if now - TimeInterval(st.st_mtim.tv_sec) > staleAfter { SecureFiles.remove(path) }
        }
    }

    /// True when an entry with this identity text would still be made the same way today.
    static func isCurrent(_ identity: String) -> Bool {
        let lines = identity.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == format,
            let bindir = lines.first(where: { $0.hasPrefix("bindir ") })?.dropFirst("bindir ".count),
            let binaries = binaryIdentity(bindir: String(bindir))
        else { return false }
        return identity.hasSuffix(binaries)
    }
}
