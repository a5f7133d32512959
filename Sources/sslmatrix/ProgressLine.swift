import Foundation
import Synchronization

/// A live "done / total, elapsed" line on a terminal; silent when stderr is not a TTY
/// (CI logs stay clean).
final class ProgressLine: Sendable {
    let title: String
    let enabled: Bool
    let start = Date()
    private let last = Mutex<Double>(0)

    init(title: String) {
        self.title = title
        self.enabled = isatty(STDERR_FILENO) == 1
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        let due = last.withLock { previous -> Bool in
            if done < total && elapsed - previous < 0.1 { return false }
            previous = elapsed
            return true
        }
        guard due else { return }
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let line = String(format: "\r%@: %d / %d cases, %.1f s, %.0f cases/s ", title, done, total, elapsed, rate)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
