import Foundation
import Synchronization

/// Substring search, replacement and compiled patterns for the per-case hot path.
///
/// Every case's messages are normalised and compared with the model's templates; with
/// Foundation's `contains`/`replacingOccurrences` (NSString, UTF-16, a bridge per call) and a
/// regular expression compiled per comparison, that took three quarters of the harness's own
/// CPU in a full matrix run (perf, 15.18), as much as libpq's connection work. These work on
/// UTF-8 bytes: exact, byte for byte, which is what comparing messages means here (a valid
/// UTF-8 needle can only match at character boundaries of valid UTF-8 text).
public enum TextSearch {
    /// Whether `needle` occurs in `text` (an empty needle always does).
    public static func contains(_ text: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        var text = text
        var needle = needle
        return text.withUTF8 { t in
            needle.withUTF8 { n in
                guard let tb = t.baseAddress, let nb = n.baseAddress, t.count >= n.count else { return false }
                return find(tb, t.count, nb, n.count, from: 0) != nil
            }
        }
    }

    /// `text` with every occurrence of `target` replaced by `replacement`, left to right.
    public static func replacingAll(_ text: String, _ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return text }
        var text = text
        var target = target
        let original = text
        return text.withUTF8 { t in
            target.withUTF8 { n -> String in
                guard let tb = t.baseAddress, let nb = n.baseAddress, t.count >= n.count else { return original }
                var out: [UInt8] = []
                var start = 0
                while let offset = find(tb, t.count, nb, n.count, from: start) {
                    if out.isEmpty { out.reserveCapacity(t.count) }
                    out.append(contentsOf: t[start..<offset])
                    out.append(contentsOf: replacement.utf8)
                    start = offset + n.count
                }
                if start == 0 { return original }
                out.append(contentsOf: t[start...])
                return String(decoding: out, as: UTF8.self)
            }
        }
    }

    /// The offset of the first `needle` in `text` at or after `from`: memchr for the first
    /// byte, memcmp for the rest (glibc's memmem is not visible to Swift without _GNU_SOURCE).
    private static func find(
        _ text: UnsafePointer<UInt8>, _ count: Int, _ needle: UnsafePointer<UInt8>, _ length: Int, from: Int
    ) -> Int? {
        var start = from
        while start + length <= count {
            guard let hit = memchr(text + start, Int32(needle[0]), count - length + 1 - start) else { return nil }
            let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(text)
            if memcmp(text + offset, needle, length) == 0 { return offset }
            start = offset + 1
        }
        return nil
    }

    private static let compiled = Mutex<[String: NSRegularExpression]>([:])

    /// `pattern` compiled once per process with `options` (nil when it does not compile).
    /// The distinct patterns of a run are the model's templates filled with the run's values:
    /// a few thousand at most; the cache starts over past 20,000.
    public static func regex(
        _ pattern: String, options: NSRegularExpression.Options = [.dotMatchesLineSeparators]
    ) -> NSRegularExpression? {
        let key = "\(options.rawValue):" + pattern
        if let hit = compiled.withLock({ $0[key] }) { return hit }
        guard let re = try? NSRegularExpression(pattern: pattern, options: options) else { return nil }
        compiled.withLock {
            if $0.count > 20_000 { $0.removeAll() }
            $0[key] = re
        }
        return re
    }

    /// Whether `pattern` (compiled once, see `regex`) matches anywhere in `text`.
    public static func search(_ pattern: String, in text: String) -> Bool {
        guard let re = regex(pattern) else { return false }
        return re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
