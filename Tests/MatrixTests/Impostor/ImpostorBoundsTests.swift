import ClusterKit
import Foundation
import Testing

/// The impostor endpoint is bounded: a silent client times out, and the endpoint stops by itself.
@Suite("Impostor: the endpoint never hangs", .timeLimit(.minutes(10)))
struct ImpostorBoundsTests {
    @Test("a client that connects and says nothing is dropped after ioTimeout")
    func silentClient() async throws {
        let impostor = try ImpostorServer.start(
            .init(
                certificateChainFile: nil, privateKeyFile: nil, request: .cleartextPassword,
                ioTimeout: .milliseconds(300), lifetime: .seconds(90)))
        let start = ContinuousClock.now
        // bash's /dev/tcp: a TCP client that sends nothing and holds the connection for 5 s.
        // The waits are hang guards, not speed checks: on a loaded CI machine starting bash
        // alone can take seconds, so only the 300 ms ioTimeout is what the test is about.
        async let client = Command.run("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(impostor.port); sleep 5"])
        while impostor.captured.isEmpty, ContinuousClock.now - start < .seconds(60) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let captures = impostor.stop()
        _ = try await client
        let capture = try #require(captures.first)
        #expect(capture.stage == .other)
        #expect(capture.detail?.contains("timed out") == true, "\(capture)")
        #expect(capture.startupParameters.isEmpty)
    }

    @Test("the accept loop ends by itself after its lifetime")
    func lifetime() async throws {
        let impostor = try ImpostorServer.start(
            .init(
                certificateChainFile: nil, privateKeyFile: nil, request: .cleartextPassword,
                lifetime: .milliseconds(200)))
        try await Task.sleep(for: .milliseconds(400))
        let start = ContinuousClock.now
        #expect(impostor.stop().isEmpty)
        #expect(ContinuousClock.now - start < .milliseconds(100))
        let refused = try await Command.run("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(impostor.port)"])
        #expect(!refused.succeeded, "nothing listens any more")
    }
}
