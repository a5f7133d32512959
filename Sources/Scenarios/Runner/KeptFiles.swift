import ClusterKit
import Foundation

/// The certificates, keys and CRLs a kept server's last group wrote, with a stamp of every
/// entry in its files directory, so that the next group on the server keeps the files it
/// would write identically instead of removing and writing them again.
///
/// Identical means: the same keys, certificates and CRLs declared (the per-process PKI cache
/// returns the same objects for them, and every validity window is computed from the run's
/// start), and the same output file entry (name, contents, format, mode, owner). PostgreSQL's
/// SSL suite declares one PKI per file, but each server configuration names different files in
/// its settings, which makes those the server's (owner) and the rest the client's: most
/// entries are equal from one group to the next, a few are not. (An encrypted key file gets a
/// new random salt and IV on every write; a kept one is one of those equally valid
/// encryptions of the same key under the same passphrase.)
///
/// The directory must also be exactly as the harness left it: every entry's inode, ctime
/// (which any write, chmod or chown moves), size, mode and owner equal to what was stamped right
/// after the writing, nothing added or missing (a passphrase command or a hand could have
/// written there). Otherwise the directory is cleared and written afresh.
struct KeptFiles: Sendable {
    let pki: PKISpec
    let material: PKIMaterial
    private let stamps: [String: Stamp]

    struct Stamp: Equatable, Sendable {
        var inode: UInt64
        var size: Int64
        var mode: UInt32
        var uid: UInt32
        var gid: UInt32
        var ctimeSeconds: Int
        var ctimeNanoseconds: Int
    }

    /// What a group declaring another PKI keeps and removes.
    struct Plan: Equatable, Sendable {
        /// Output files already there exactly as the new spec would write them.
        var keep: Set<String>
        /// Output files of the previous spec to remove before writing (changed or not wanted).
        var remove: [String]
    }

    /// Stamps `material.directory` as it is now; nil when it cannot be read (then nothing is kept).
    init?(pki: PKISpec, material: PKIMaterial) {
        guard let stamps = KeptFiles.stamps(of: material.directory) else { return nil }
        self.pki = pki
        self.material = material
        self.stamps = stamps
    }

    /// The plan for a next group declaring `pki`, or nil when the directory must be cleared.
    func plan(for next: PKISpec) -> Plan? {
        guard next.keys == pki.keys, next.certificates == pki.certificates, next.crls == pki.crls,
            let now = KeptFiles.stamps(of: material.directory), now == stamps
        else { return nil }
        let previous = Dictionary(pki.files.map { ($0.name, $0) }) { first, _ in first }
        let keep = Set(next.files.filter { previous[$0.name] == $0 }.map(\.name))
        let remove = pki.files.map(\.name).filter { !keep.contains($0) }
        return Plan(keep: keep, remove: Array(Set(remove)).sorted())
    }

    /// Relative path -> stamp for every entry under `directory` (not following links).
    static func stamps(of directory: String) -> [String: Stamp]? {
        guard let names = try? FileManager.default.subpathsOfDirectory(atPath: directory) else { return nil }
        var result: [String: Stamp] = [:]
        for name in names {
            var st = stat()
            guard lstat(directory + "/" + name, &st) == 0 else { return nil }
            result[name] = Stamp(
                inode: UInt64(st.st_ino), size: Int64(st.st_size), mode: UInt32(st.st_mode), uid: st.st_uid,
                gid: st.st_gid, ctimeSeconds: st.st_ctim.tv_sec, ctimeNanoseconds: st.st_ctim.tv_nsec)
        }
        return result
    }
}
