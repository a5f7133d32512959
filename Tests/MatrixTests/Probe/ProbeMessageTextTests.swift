import ClusterKit
import Foundation
import Testing

/// Message handling without a server: libpq's error layout and run-specific values.
@Suite("Connection error text and normalisation")
struct ProbeMessageTextTests {
    @Test("PQerrorMessage is split per attempt, with severity and the text after it")
    func splitAttempts() {
        // Layout from fe-connect.c: each attempt starts with its own prefix; libpq prints
        // server messages as "SEVERITY:  text" and ends each block with a newline.
        let message = """
            connection to server at "127.0.0.1", port 5432 failed: FATAL:  pg_hba.conf rejects connection for host "127.0.0.1", user "a", database "d", SSL encryption
            connection to server at "db" (127.0.0.1), port 5432 failed: Connection refused
            \tIs the server running on that host and accepting TCP/IP connections?

            """
        let attempts = ConnectionErrorText.split(message)
        #expect(attempts.count == 2)
        #expect(attempts[0].prefix == "connection to server at \"127.0.0.1\", port 5432 failed: ")
        #expect(attempts[0].severity == "FATAL")
        #expect(
            attempts[0].text
                == "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"a\", database \"d\", SSL encryption")
        #expect(attempts[1].prefix == "connection to server at \"db\" (127.0.0.1), port 5432 failed: ")
        #expect(attempts[1].severity == nil)
        #expect(
            attempts[1].message
                == "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?")

        // A failure before any connection has no prefix (fe-connect.c: "invalid %s value: \"%s\"").
        let early = ConnectionErrorText.split("invalid sslmode value: \"sometimes\"\n")
        #expect(early.map(\.prefix) == [""])
        #expect(early.first?.message == "invalid sslmode value: \"sometimes\"")
    }

    @Test("SQLSTATE comes from a traced ErrorResponse whose message matches the attempt")
    func sqlstateFromTrace() {
        let trace = ProtocolTrace(
            "B\t89\tErrorResponse\t S \"FATAL\" V \"FATAL\" C \"3D000\" M \"database \"nodb\" does not exist\" F \"postinit.c\" L \"948\" R \"InitPostgres\" \\x00\n"
        )
        #expect(trace.errors.map(\.severity) == ["FATAL"])
        #expect(trace.errors.map(\.sqlstate) == ["3D000"])
        #expect(trace.errors.map(\.message) == ["database \"nodb\" does not exist"])
        let attempts = ConnectionErrorText.split(
            "connection to server at \"127.0.0.1\", port 1 failed: FATAL:  database \"nodb\" does not exist\n",
            serverErrors: trace.errors)
        #expect(attempts.first?.sqlstate == "3D000")
    }

    @Test("the SASL mechanism is read from the SASLInitialResponse length, and only known lengths count")
    func saslMechanismFromTrace() {
        func trace(_ lengths: [Int]) -> ProtocolTrace {
            ProtocolTrace(
                lengths.map { "F\t\($0)\tUnknown message: 70\nmismatched message length: consumed 4, expected \($0)" }
                    .joined(separator: "\n"))
        }
        #expect(trace([54, 108]).saslMechanism == "SCRAM-SHA-256")
        #expect(trace([80, 108]).saslMechanism == "SCRAM-SHA-256-PLUS")
        #expect(trace([40]).saslMechanism == nil)  // one PasswordMessage (md5/password)
        #expect(trace([61, 108]).saslMechanism == nil)  // unknown layout: not guessed
    }

    @Test("the normaliser replaces only run-specific values and lists every substitution")
    func normalise() {
        let normalizer = MessageNormalizer(literals: [
            ("/dev/shm/pg-ssl-matrix/run-77-123/", "<RUN>/"), ("port 23456", "port <PORT>"),
        ])
        let text = """
            connection to server at "127.0.0.1", port 23456 failed: root certificate file "/dev/shm/pg-ssl-matrix/run-77-123/client/none/sslrootcert" does not exist
            [4242] {127.0.0.1(54321)} connection received: host=127.0.0.1 port=54321
            """
        let result = normalizer.normalize(text)
        #expect(
            result.text == """
                connection to server at "127.0.0.1", port <PORT> failed: root certificate file "<RUN>/client/none/sslrootcert" does not exist
                [<PID>] {127.0.0.1(<CLIENT_PORT>)} connection received: host=127.0.0.1 port=<CLIENT_PORT>
                """)
        #expect(
            result.substitutions.map(\.description) == [
                "/dev/shm/pg-ssl-matrix/run-77-123/ -> <RUN>/",
                "port 23456 -> port <PORT>",
                "127.0.0.1(54321) -> 127.0.0.1(<CLIENT_PORT>)",
                "port=54321 -> port=<CLIENT_PORT>",
                "[4242] -> [<PID>]",
            ])
        // Wording is never touched.
        #expect(
            normalizer.normalize(
                "no pg_hba.conf entry for host \"127.0.0.1\", user \"a\", database \"d\", no encryption"
            ).substitutions.isEmpty)
    }
}
