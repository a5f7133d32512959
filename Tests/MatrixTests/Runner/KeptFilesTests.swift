import ClusterKit
import Foundation
import Testing

@testable import Scenarios

/// A reused server keeps a file for the next group only when that group declares the same
/// objects and the same file entry, and the directory is exactly as the harness wrote it: any
/// change, addition or removal makes the runner clear and write everything again.
@Suite("Kept PKI files on a reused server")
struct KeptFilesTests {
    static func written() throws -> (KeptFiles, PKISpec, String) {
        let workspace = try Workspace.shared()
        let directory = "\(workspace.runDirectory)/kept-files-\(UUID().uuidString.prefix(8))"
        let pki = PKISpec.standard()
        let material = try PKI.materialize(pki, into: directory, serverAccount: workspace.account)
        let kept = try #require(KeptFiles(pki: pki, material: material))
        return (kept, pki, directory)
    }

    @Test("the same PKI and an untouched directory: every file is kept")
    func untouched() throws {
        let (kept, pki, directory) = try Self.written()
        defer { SecureFiles.remove(directory) }
        #expect(kept.plan(for: pki) == KeptFiles.Plan(keep: Set(pki.files.map(\.name)), remove: []))
    }

    @Test("another owner or mode for one file, a file not wanted: only those are removed and written again")
    func changedEntries() throws {
        let (kept, pki, directory) = try Self.written()
        defer { SecureFiles.remove(directory) }
        var next = pki
        let changed = next.files[0].name
        next.files[0].mode = next.files[0].mode == 0o644 ? 0o600 : 0o644
        let dropped = next.files.removeLast().name
        let plan = try #require(kept.plan(for: next))
        #expect(plan.remove == [changed, dropped].sorted())
        #expect(plan.keep == Set(next.files.map(\.name)).subtracting([changed]))

        // The runner's step: remove, then write only what is not kept; the result equals a fresh write.
        for name in plan.remove { SecureFiles.remove(directory + "/" + name) }
        let workspace = try Workspace.shared()
        let material = try PKI.materialize(next, into: directory, serverAccount: workspace.account, skipping: plan.keep)
        let fresh = "\(workspace.runDirectory)/kept-files-fresh-\(UUID().uuidString.prefix(8))"
        defer { SecureFiles.remove(fresh) }
        let freshMaterial = try PKI.materialize(next, into: fresh, serverAccount: workspace.account)
        // An encrypted key gets a new random salt and IV on every write: a second fresh write
        // tells which files are byte-deterministic.
        let again = "\(workspace.runDirectory)/kept-files-again-\(UUID().uuidString.prefix(8))"
        defer { SecureFiles.remove(again) }
        let againMaterial = try PKI.materialize(next, into: again, serverAccount: workspace.account)
        #expect(Set(material.files.keys) == Set(freshMaterial.files.keys))
        for name in material.files.keys {
            var a = stat()
            var b = stat()
            #expect(lstat(material.files[name]!, &a) == 0 && lstat(freshMaterial.files[name]!, &b) == 0)
            #expect(a.st_mode == b.st_mode && a.st_uid == b.st_uid && a.st_size == b.st_size, "\(name)")
            let deterministic = FileManager.default.contentsEqual(
                atPath: againMaterial.files[name]!, andPath: freshMaterial.files[name]!)
            if (a.st_mode & S_IFMT) == S_IFREG && deterministic {
                #expect(
                    FileManager.default.contentsEqual(
                        atPath: material.files[name]!, andPath: freshMaterial.files[name]!))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/" + dropped))
    }

    @Test("other objects (a certificate added): everything is cleared")
    func otherObjects() throws {
        let (kept, pki, directory) = try Self.written()
        defer { SecureFiles.remove(directory) }
        var other = pki
        other.certificates.append(other.certificates[0])
        other.certificates[other.certificates.count - 1].name = "another"
        #expect(kept.plan(for: other) == nil)
    }

    @Test("a file rewritten with the same bytes, a mode changed, a file added or removed: written again")
    func touched() throws {
        let (kept, pki, directory) = try Self.written()
        defer { SecureFiles.remove(directory) }
        // A regular file (the standard PKI also writes a hashed CA directory).
        let name = try #require(
            kept.material.files.keys.sorted().first { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(
                    atPath: kept.material.files[name] ?? "", isDirectory: &isDirectory)
                    && !isDirectory.boolValue
            })
        let path = try kept.material.path(name)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(kept.plan(for: pki) == nil, "same bytes, new ctime")

        let (kept2, pki2, directory2) = try Self.written()
        defer { SecureFiles.remove(directory2) }
        let path2 = try kept2.material.path(name)
        var st = stat()
        #expect(lstat(path2, &st) == 0)
        chmod(path2, (st.st_mode & 0o777) ^ 0o040)
        #expect(kept2.plan(for: pki2) == nil, "mode changed")

        let (kept3, pki3, directory3) = try Self.written()
        defer { SecureFiles.remove(directory3) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory3 + "/left-by-a-command"))
        #expect(kept3.plan(for: pki3) == nil, "file added")

        let (kept4, pki4, directory4) = try Self.written()
        defer { SecureFiles.remove(directory4) }
        SecureFiles.remove(try kept4.material.path(name))
        #expect(kept4.plan(for: pki4) == nil, "file removed")
    }
}
