import Foundation
import Testing

@testable import ClusterKit

/// initdb's result is kept between runs; an entry is used only while it is what initdb would
/// make today, and is never one a server ran in.
@Suite("Template cache between runs")
struct TemplateCacheTests {
    @Test("the template this process copies is the cached entry for its installation", .tags(.liveServer))
    func cached() async throws {
        let installation = try Installation.discover()
        let workspace = try Workspace.shared()
        let template = try await TemplateStore.shared.template(for: installation, in: workspace)
        let entry = try #require(TemplateCache.entry(installation, workspace))
        #expect(template == entry.path + "/data")
        #expect(TemplateCache.isComplete(template, major: installation.major))
        let identity = try String(contentsOfFile: entry.path + "/identity", encoding: .utf8)
        #expect(TemplateCache.isCurrent(identity))
        #expect(TemplateCache.lookUp(installation, workspace) == template)
    }

    @Test("a sweep removes unusable entries nobody touched for an hour, and nothing else")
    func sweep() throws {
        let installation = try Installation.discover()
        let dir = "/dev/shm/sslm-template-cache-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let binaries = try #require(TemplateCache.binaryIdentity(bindir: installation.bindir))
        let current = [TemplateCache.format, "bindir \(installation.bindir)", "uid 0", binaries].joined(separator: "\n")
        let upgraded = current.replacingOccurrences(of: "postgres ", with: "postgres 1")
        let oldFormat = "1: an older harness\n" + current.split(separator: "\n").dropFirst().joined(separator: "\n")
        let entries = [
            ("current-old", current, true), ("upgraded-old", upgraded, true), ("format-old", oldFormat, true),
            ("upgraded-recent", upgraded, false), ("kept-old", upgraded, true),
        ]
        for (name, identity, old) in entries {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(name)", withIntermediateDirectories: false)
            try identity.write(toFile: "\(dir)/\(name)/identity", atomically: true, encoding: .utf8)
            if old {
                var times = [
                    timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0),
                ]
                utimes("\(dir)/\(name)", &times)
            }
        }
        TemplateCache.sweep(dir, keeping: "\(dir)/kept-old")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(left == ["current-old", "upgraded-recent", "kept-old"])
    }

    @Test("an entry a server ran in, or of another major, is not a template")
    func incomplete() async throws {
        let installation = try Installation.discover()
        let template = try await TemplateStore.shared.template(for: installation, in: try Workspace.shared())
        let copy = "/dev/shm/sslm-template-copy-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileManager.default.copyItem(atPath: template, toPath: copy)
        #expect(TemplateCache.isComplete(copy, major: installation.major))
        #expect(!TemplateCache.isComplete(copy, major: installation.major + 1))
        try "12345\n".write(toFile: copy + "/postmaster.pid", atomically: true, encoding: .utf8)
        #expect(!TemplateCache.isComplete(copy, major: installation.major))
    }
}
