import ClusterKit
import Scenarios
import Testing

/// The impostor expectations, without a server: the model's SSLMode properties decide who
/// answers the impostor.
@Suite("Impostor: model predictions")
struct ImpostorModelTests {
    @Test(
        "the client answers the impostor exactly when the mode does not check what the certificate says",
        arguments: ImpostorCase.standard.filter { $0.channelBinding == .prefer && $0.request == .cleartextPassword })
    func answersUnlessVerified(_ c: ImpostorCase) {
        let e = ImpostorExpectation.predict(c, user: "alice")
        let checksCA = c.sslMode.verifiesServer || (c.sslMode == .require && c.hasRootCert)
        let stopped = c.sslMode == .verifyFull || (checksCA && c.variant == .untrustedCA)
        if c.sslMode.requiresSSL {
            #expect(e.answers == (stopped ? 0 : 1), "\(e.rules)")
            #expect(e.attempts.allSatisfy { $0.encrypted })
        } else {
            // disable/allow/prefer always end up sending the password at least once, in cleartext.
            #expect(e.attempts.contains { !$0.encrypted && $0.stage == .answered }, "\(e.rules)")
        }
    }

    @Test("channel_binding=require: no attempt answers")
    func channelBindingNeverAnswers() {
        for c in ImpostorCase.standard where c.channelBinding == .require {
            #expect(ImpostorExpectation.predict(c, user: "alice").answers == 0, "\(c)")
        }
    }
}
