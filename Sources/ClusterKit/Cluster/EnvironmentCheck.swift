import Foundation

/// The one check of the machine before any work: where clusters go must be usable by this
/// process and by the server account, short enough for a Unix socket, free of characters
/// the server's and libpq's lists split on, and have room. A problem here is reported once
/// (`unusableTempDirectory`, exit 2 in the CLI) instead of as one failure per case.
enum EnvironmentCheck {
    /// sun_path is 108 bytes with its NUL; the longest socket the harness makes is
    /// `<run>/c<serial>/sock/.s.PGSQL.<port>`.
    static let maxSocketPath = 107
    static let longestSocketSuffix = "/c99999/sock/.s.PGSQL.65535"
    /// A template copy is ~40 MB and three clusters run at once.
    static let minimumFreeBytes: UInt64 = 128 << 20

    static func check(root: String, base: String, runDirectory: String, account: ServerAccount) throws {
        func refuse(_ reason: String) -> ClusterKitError { .unusableTempDirectory(path: root, reason: reason) }
        if root.contains(",") || root.contains("\"") {
            throw refuse(
                "the path contains a comma or a double quote, which split unix_socket_directories and libpq's host list"
            )
        }
        if let bad = ConfigGrammar.controlCharacter(in: root) {
            throw refuse("the path contains the control character \(ConfigGrammar.escaped(String(bad)))")
        }
        let socket = runDirectory + longestSocketSuffix
        if socket.utf8.count > maxSocketPath {
            throw refuse(
                "it is too deep for a Unix socket path (\(socket.utf8.count) bytes, the limit is \(maxSocketPath)); use a shorter directory such as /tmp"
            )
        }
        var st = stat()
        guard stat(root, &st) == 0 else { throw refuse(String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw refuse("not a directory") }
        if access(root, W_OK | X_OK) != 0 {
            throw refuse("this user cannot write into it (\(String(cString: strerror(errno))))")
        }
        if account.needsSwitch, let blocked = firstUntraversable(root, by: account) {
            throw refuse("the server account \(account.name) cannot enter \(blocked) (it needs search permission)")
        }
        var fs = statvfs()
        if statvfs(root, &fs) == 0 {
            if (fs.f_flag & UInt(ST_RDONLY)) != 0 { throw refuse("the file system is read-only") }
            let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
            if free < minimumFreeBytes {
                throw refuse("only \(free >> 20) MiB free; the harness needs at least \(minimumFreeBytes >> 20) MiB")
            }
        }
    }

    /// An existing base directory must be ours and writable by nobody else: a directory
    /// another user made in a shared /dev/shm or /tmp is not a place to put keys.
    static func checkOwnBase(_ base: String) throws {
        var st = stat()
        guard lstat(base, &st) == 0 else {
            throw ClusterKitError.unusableTempDirectory(path: base, reason: String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) != S_IFDIR || st.st_uid != geteuid() || (st.st_mode & 0o022) != 0 {
            throw ClusterKitError.unusableTempDirectory(
                path: base, reason: "it is not a directory owned by this user and writable only by it; remove it")
        }
        if access(base, W_OK) != 0 {
            throw ClusterKitError.unusableTempDirectory(path: base, reason: "not writable")
        }
    }

    /// The first ancestor of `path` (itself included) the account may not search.
    static func firstUntraversable(_ path: String, by account: ServerAccount) -> String? {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            var st = stat()
            guard stat(current, &st) == 0 else { return current }
            let mode = st.st_mode
            let ok =
                st.st_uid == account.uid
                ? (mode & 0o100) != 0
                : st.st_gid == account.gid ? (mode & 0o010) != 0 : (mode & 0o001) != 0
            if !ok { return current }
        }
        return nil
    }
}
