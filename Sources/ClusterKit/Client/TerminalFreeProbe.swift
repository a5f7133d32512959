import Foundation
import Subprocess

/// Runs one libpq connect in a child process that has no controlling terminal and reads
/// /dev/null as stdin, so OpenSSL's passphrase prompt can neither reach a terminal nor wait.
///
/// libpq 15 installs its key-password callback only when `sslpassword` is non-empty; with an
/// encrypted key and no `sslpassword`, OpenSSL's default callback asks on `/dev/tty` (else
/// stdin) and waits. A harness must not answer for libpq (a process-wide
/// `PQsetSSLKeyPassHook_OpenSSL` would make it say `bad decrypt`, the wrong-password text), and
/// must never wait: a developer's terminal, or a CI job whose stdin is an open pipe, would
/// block. So exactly those connections run here: the child (`sslmatrix probe-child`, started
/// in a new session by swift-subprocess's `createSession`, stdin /dev/null) makes the same
/// non-blocking connect as `Probe` and prints the `Probe.Attempt` as JSON; OpenSSL finds no
/// terminal and an empty stdin, and libpq reports what a user without a terminal sees.
public enum TerminalFreeProbe {
    /// Names the executable that answers `probe-child`; default: `sslmatrix` beside the
    /// running executable (the CLI itself, or the test bundle in the same build directory).
    public static let executableVariable = "PGSSLMATRIX_PROBE_CHILD"
    /// Carries the request (JSON) to the child: not on the command line, where `ps` shows it.
    public static let requestVariable = "PGSSLMATRIX_PROBE_REQUEST"

    struct Request: Codable {
        var keywords: [String]
        var values: [String]
        var timeout: Double
    }

    /// Whether libpq would ask OpenSSL's prompt for a passphrase: a PEM key file that is
    /// encrypted ("ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED") and no sslpassword.
    static func needsNoTerminal(_ pairs: [(String, String)]) -> Bool {
        let values = Dictionary(pairs) { a, _ in a }
        guard let key = values["sslkey"], (values["sslpassword"] ?? "").isEmpty,
            let handle = FileHandle(forReadingAtPath: key)
        else { return false }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        return head.contains("ENCRYPTED PRIVATE KEY") || head.contains("Proc-Type: 4,ENCRYPTED")
    }

    static var executable: String? {
        if let path = ProcessInfo.processInfo.environment[executableVariable], !path.isEmpty { return path }
        return BuildProducts.beside("sslmatrix")
    }

    /// The parent side: runs the child and decodes its answer; failures become `notAttempted`.
    static func attempt(_ pairs: [(String, String)], timeout: Double) async -> Probe.Attempt {
        func failed(_ reason: String) -> Probe.Attempt {
            Probe.Attempt(ports: [], result: .notAttempted(reason: reason))
        }
        guard let executable else {
            return failed(
                "this connection needs a child without a terminal (encrypted key, no sslpassword) and no sslmatrix executable was found beside \(CommandLine.arguments.first ?? "?"); set \(executableVariable)"
            )
        }
        let request = Request(keywords: pairs.map(\.0), values: pairs.map(\.1), timeout: timeout)
        guard let json = try? JSONEncoder().encode(request) else { return failed("could not encode the request") }
        let environment = Command.cleanEnvironment(adding: [requestVariable: String(decoding: json, as: UTF8.self)])
        do {
            let result = try await Command.run(
                executable, ["probe-child"], environment: environment, newSession: true)
            guard let data = result.standardOutput.data(using: .utf8),
                let attempt = try? JSONDecoder().decode(Probe.Attempt.self, from: data)
            else {
                return failed("the terminal-free probe child answered nothing usable: \(result.combinedOutput)")
            }
            return attempt
        } catch {
            return failed("the terminal-free probe child failed: \(error)")
        }
    }

    /// The child side (`sslmatrix probe-child`): the request from the environment, the
    /// attempt as JSON. No key-password hook: libpq as users get it.
    public static func childMain() -> String {
        ClientEnvironment.makeHermetic()
        guard let text = ProcessInfo.processInfo.environment[requestVariable],
            let request = try? JSONDecoder().decode(Request.self, from: Data(text.utf8))
        else { return "" }
        unsetenv(requestVariable)
        let attempt = Probe.attempt(Array(zip(request.keywords, request.values)), timeout: request.timeout)
        guard let data = try? JSONEncoder().encode(attempt) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
