import ClusterKit
import Foundation

/// The certificates, keys and CRLs a kept server's last group wrote, with a stamp of every
/// entry in its files directory, so that the next group on the server, when it declares the
/// same PKI, keeps them instead of removing and writing them again.
///
/// Same PKI, same bytes: the per-process PKI cache returns the same objects for the same
/// declaration, and every validity window is computed from the run's start. What could make
/// the directory differ is something else writing there between groups (a passphrase command,
/// a hand in the directory): every entry's inode, ctime (which any write, chmod or chown
/// moves), size, mode and owner must equal what was stamped right after the writing, and no
/// entry may be missing or added. Anything else: the directory is cleared and written afresh.
/// (PostgreSQL's SSL suite declares one PKI per file for all its server configurations; its
/// groups write ~40 files each.)
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

    /// Stamps `material.directory` as it is now; nil when it cannot be read (then nothing is kept).
    init?(pki: PKISpec, material: PKIMaterial) {
        guard let stamps = KeptFiles.stamps(of: material.directory) else { return nil }
        self.pki = pki
        self.material = material
        self.stamps = stamps
    }

    /// The material to use for a group declaring `pki`, or nil when the files must be written.
    func reusable(for pki: PKISpec) -> PKIMaterial? {
        guard pki == self.pki, let now = KeptFiles.stamps(of: material.directory), now == stamps else { return nil }
        return material
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
