import Foundation

/// Creates directories and files with the mode and owner they must have from the first byte.
///
/// A key written 0644 and chmod'ed afterwards is readable for a moment; a file written by
/// root and never chown'ed is unreadable for the server. Both bugs are easy to make, so
/// every file the harness writes goes through here.
public enum SecureFiles {
    /// Makes `path` (and missing parents with 0755) with `mode`, owned by `owner` when given.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700, owner: ServerAccount? = nil) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            try makeDirectory(parent, mode: 0o755)
        }
        if mkdir(path, mode) != 0, errno != EEXIST {
            throw ClusterKitError.unusableTempDirectory(path: path, reason: String(cString: strerror(errno)))
        }
        try setModeAndOwner(path, mode: mode, owner: owner)
    }

    /// Writes `data` to `path` atomically (temp file + rename) with `mode` and `owner`.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600, owner: ServerAccount? = nil) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp =
            "\(dir.isEmpty ? "." : dir)/.\((path as NSString).lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw ClusterKitError.unreadableFile(
                path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { ok = false; break }
                offset += n
            }
        }
        close(fd)
        guard ok else {
            unlink(tmp)
            throw ClusterKitError.unreadableFile(path: path, reason: "short write")
        }
        do {
            try setModeAndOwner(tmp, mode: mode, owner: owner)
        } catch {
            unlink(tmp)
            throw error
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw ClusterKitError.unreadableFile(path: path, reason: "cannot rename into place: \(reason)")
        }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o600, owner: ServerAccount? = nil) throws
    {
        try write(Data(text.utf8), to: path, mode: mode, owner: owner)
    }

    /// chmod (always, umask must not decide) and chown when an owner is given and differs.
    public static func setModeAndOwner(_ path: String, mode: mode_t, owner: ServerAccount?) throws {
        if let owner, owner.uid != geteuid() || owner.gid != getegid() {
            if chown(path, owner.uid, owner.gid) != 0 {
                throw ClusterKitError.unusableTempDirectory(
                    path: path, reason: "cannot give it to \(owner.name): \(String(cString: strerror(errno)))")
            }
        }
        if chmod(path, mode) != 0 {
            throw ClusterKitError.unusableTempDirectory(
                path: path, reason: "chmod failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes a tree, ignoring what is already gone. A server that was just stopped may
    /// still have exiting children writing into its data directory, so a removal that
    /// leaves something behind is retried for up to a second.
    public static func remove(_ path: String) {
        for _ in 0..<100 {
            try? FileManager.default.removeItem(atPath: path)
            var st = stat()
            if lstat(path, &st) != 0 { return }
            usleep(10_000)
        }
    }
}
