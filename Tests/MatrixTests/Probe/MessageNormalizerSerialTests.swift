import Foundation
import Testing

@testable import ClusterKit

/// PostgreSQL 16+ logs a rejected client certificate's serial in decimal; serials differ per
/// run, so the normaliser replaces every spelling of a known serial with the certificate's name.
@Suite("normaliser: certificate serials")
struct MessageNormalizerSerialTests {
    @Test(
        "hex to decimal as BN_bn2dec prints it",
        arguments: [
            ("00", "0"), ("0A", "10"), ("FF", "255"), ("0100", "256"), ("FFFFFFFFFFFFFFFF", "18446744073709551615"),
            // 2^127 + 1: wider than any machine integer.
            ("80000000000000000000000000000001", "170141183460469231731687303715884105729"),
        ])
    func decimal(hex: String, decimal: String) throws {
        #expect(PKIText.decimal(try #require(PKIText.bytes(fromHex: hex))) == decimal)
    }

    @Test("the remembered conversion gives the same decimal, and nil for text that is not hex")
    func decimalFromHex() throws {
        for hex in ["0A", "FFFFFFFFFFFFFFFF", "80000000000000000000000000000001", "6a:1f:0c"] {
            let once = PKIText.decimal(hex: hex)
            #expect(once == PKIText.decimal(try #require(PKIText.bytes(fromHex: hex))))
            #expect(PKIText.decimal(hex: hex) == once)
        }
        #expect(PKIText.decimal(hex: "not hex") == nil)
        #expect(PKIText.decimal(hex: "") == nil)
    }

    static func certificate(_ name: String, _ serial: String) -> PKIMaterial.Certificate {
        PKIMaterial.Certificate(
            name: name, serialHex: serial, subject: "CN=\(name)", issuer: "CN=root", sha256Fingerprint: "",
            notBefore: Date(), notAfter: Date(), isCA: false)
    }

    @Test("a logged serial becomes <SERIAL:name>; other numbers stay")
    func serialReplaced() {
        let client = Self.certificate("client", "6A1F0C3D5E7B9A2C4D6E8F0A1B2C3D4E")
        let other = Self.certificate("server", "1234ABCD1234ABCD1234ABCD1234ABCD")
        let normalizer = MessageNormalizer(literals: MessageNormalizer.serialLiterals([client, other]))
        let decimal = PKIText.decimal(PKIText.bytes(fromHex: client.serialHex)!)
        let line = """
            DETAIL:  Client certificate verification failed at depth 0: certificate has expired.
            \tFailed certificate data (unverified): subject "/CN=client", serial number \(decimal), issuer "/CN=root".
            """
        let result = normalizer.normalize(line)
        #expect(result.text.contains("serial number <SERIAL:client>, issuer"), "\(result)")
        #expect(result.text.contains("depth 0"))
        #expect(normalizer.normalize("serial=\(client.serialHex.lowercased())").text == "serial=<SERIAL:client>")
        #expect(normalizer.normalize("line 42 of 1234").substitutions.isEmpty)
    }

    @Test("libpq 14's startup-packet race: the line after an SSL error goes, the SSL error and other uses stay")
    func startupPacketRace() {
        let normalizer = MessageNormalizer()
        let alert = "connection to server at \"127.0.0.1\", port 5432 failed: SSL error: tlsv1 alert unknown ca"
        let raced = normalizer.normalize(alert + "\ncould not send startup packet: Connection reset by peer").text
        #expect(raced == normalizer.normalize(alert).text)
        #expect(raced.hasSuffix("SSL error: tlsv1 alert unknown ca"))
        // Without an SSL error before it the line is a real outcome of its own, and stays.
        let plain =
            "connection to server at \"127.0.0.1\", port 5432 failed: could not send startup packet: Connection reset by peer"
        #expect(normalizer.normalize(plain).text.contains("could not send startup packet"))
    }

    @Test("every rule says why its value varies between runs")
    func reasons() {
        #expect(MessageNormalizer.rules.allSatisfy { !$0.why.isEmpty })
        #expect(
            MessageNormalizer.serialLiterals([Self.certificate("c", "0123456789ABCDEF")]).allSatisfy { !$0.why.isEmpty }
        )
    }
}
