import Foundation
import Testing

@testable import ClusterKit

/// Files get the mode and owner their reader needs (or, for the negative cases, the wrong
/// mode on purpose), from the first byte.
@Suite("PKI file modes and owners")
struct PKIFileTests {
    @Test("modes and owners as asked")
    func modesAndOwners() throws {
        let server = try ServerAccount.current()
        let material = try PKITestSupport.standard("modes")
        let me = (uid: geteuid(), gid: getegid())
        typealias F = StandardPKI.Files
        let cases: [(file: String, mode: UInt16, uid: uid_t, gid: gid_t)] = [
            ("server-root.key", 0o600, server.uid, server.gid),
            ("server-root.crt", 0o644, server.uid, server.gid),
            (F.key("server-root", .pkcs8Encrypted), 0o600, server.uid, server.gid),
            (F.key("server-root", .mode0644), 0o644, server.uid, server.gid),
            (F.key("server-root", .mode0640), 0o640, server.uid, server.gid),
            ("client-alice.key", 0o600, me.uid, me.gid),
            (F.key("client-alice", .mode0644), 0o644, me.uid, me.gid),
            (F.key("client-alice", .mode0640), 0o640, me.uid, me.gid),
            (F.rootCA, 0o644, me.uid, me.gid),
            (F.rootCRL, 0o644, me.uid, me.gid),
            (F.crlDirectory, 0o755, server.uid, server.gid),
        ]
        for c in cases {
            let info = try #require(PKITestSupport.stat(try material.path(c.file)), "\(c.file) missing")
            #expect(info.mode == c.mode, "\(c.file): mode \(String(info.mode, radix: 8))")
            #expect(info.uid == c.uid && info.gid == c.gid, "\(c.file): owner \(info.uid):\(info.gid)")
        }
        let rootOwned = try material.path(F.key("server-root", .rootOwned0640))
        if geteuid() == 0 {
            let info = try #require(PKITestSupport.stat(rootOwned))
            #expect(info.mode == 0o640 && info.uid == 0 && info.gid == server.gid)
        }
        #expect(material.files[F.key("client-alice", .rootOwned0640)] == nil)
        for entry in try FileManager.default.contentsOfDirectory(atPath: try material.path(F.crlDirectory)) {
            let info = try #require(PKITestSupport.stat(try material.path(F.crlDirectory) + "/" + entry))
            #expect(info.mode == 0o644 && info.uid == server.uid)
        }
    }

    @Test("materializing again rewrites files and restores what a test broke")
    func rewrite() throws {
        let directory = PKITestSupport.freshDirectory("rewrite")
        let account = try ServerAccount.current()
        let first = try PKI.materialize(.standard(), into: directory, serverAccount: account)
        let key = try first.path("client-alice.key")
        let before = try Data(contentsOf: URL(fileURLWithPath: key))
        chmod(key, 0o666)
        unlink(try first.path(StandardPKI.Files.rootCA))
        let second = try PKI.materialize(.standard(), into: directory, serverAccount: account)
        #expect(second == first)
        #expect(PKITestSupport.stat(key)?.mode == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: key)) == before)
        #expect(FileManager.default.fileExists(atPath: try second.path(StandardPKI.Files.rootCA)))
    }
}
