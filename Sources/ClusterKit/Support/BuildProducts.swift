import Foundation

/// The executables SwiftPM builds side by side: the CLI, the client worker and the test
/// bundle share one build directory, so each finds the others next to itself.
public enum BuildProducts {
    /// `name` in the running executable's directory, or up to three above it (a test bundle
    /// may be a directory, `.xctest/Contents/...`); nil when there is none.
    public static func beside(_ name: String) -> String? {
        let me = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var directory = me.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
