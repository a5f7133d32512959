import ClusterKit
import Foundation
import Testing

@testable import Scenarios

/// A reused server keeps its files for the next group only when that group declares the same
/// PKI and the directory is exactly as the harness wrote it: any change, addition or removal
/// makes the runner clear and write it again.
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

    @Test("the same PKI and an untouched directory: the files are kept")
    func untouched() throws {
        let (kept, pki, directory) = try Self.written()
        defer { SecureFiles.remove(directory) }
        #expect(kept.reusable(for: pki) == kept.material)
    }

    @Test("another PKI: written again")
    func otherPKI() throws {
        let (kept, _, directory) = try Self.written()
        defer { SecureFiles.remove(directory) }
        var other = PKISpec.standard()
        other.files.removeLast()
        #expect(kept.reusable(for: other) == nil)
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
        #expect(kept.reusable(for: pki) == nil, "same bytes, new ctime")

        let (kept2, pki2, directory2) = try Self.written()
        defer { SecureFiles.remove(directory2) }
        let path2 = try kept2.material.path(name)
        var st = stat()
        #expect(lstat(path2, &st) == 0)
        chmod(path2, (st.st_mode & 0o777) ^ 0o040)
        #expect(kept2.reusable(for: pki2) == nil, "mode changed")

        let (kept3, pki3, directory3) = try Self.written()
        defer { SecureFiles.remove(directory3) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory3 + "/left-by-a-command"))
        #expect(kept3.reusable(for: pki3) == nil, "file added")

        let (kept4, pki4, directory4) = try Self.written()
        defer { SecureFiles.remove(directory4) }
        SecureFiles.remove(try kept4.material.path(name))
        #expect(kept4.reusable(for: pki4) == nil, "file removed")
    }
}
