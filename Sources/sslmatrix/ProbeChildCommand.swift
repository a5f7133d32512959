import ArgumentParser
import ClusterKit
import Foundation

/// `sslmatrix probe-child` (hidden): one libpq connect for `TerminalFreeProbe`, started in a
/// new session (no controlling terminal) with /dev/null as stdin; prints the attempt as JSON.
struct ProbeChildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-child", abstract: "Internal: one terminal-free libpq connect.", shouldDisplay: false)

    func run() throws {
        let answer = TerminalFreeProbe.childMain()
        guard !answer.isEmpty else { throw ExitCode(2) }
        FileHandle.standardOutput.write(Data(answer.utf8))
    }
}
