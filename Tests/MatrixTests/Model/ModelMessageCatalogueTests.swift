import Foundation
import Testing

@testable import Scenarios

/// PG 15 texts must appear verbatim (per line, format directives in place) in the installed binaries.
@Suite("Model message catalogue")
struct ModelMessageCatalogueTests {
    static let libpq = "/usr/lib/x86_64-linux-gnu/libpq.so.5"
    static let postgres = "/usr/lib/postgresql/15/bin/postgres"
    static let installed =
        FileManager.default.fileExists(atPath: libpq) && FileManager.default.fileExists(atPath: postgres)

    /// Printable runs of the binaries (like `strings -n 6`).
    static let binaryStrings: Set<String> = {
        var out = Set<String>()
        for path in [
            libpq, postgres, "/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
        ] {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            var cur: [UInt8] = []
            for b in data {
                if b >= 0x20 && b < 0x7f || b == 0x09 {
                    cur.append(b)
                } else {
                    if cur.count >= 4, let s = String(bytes: cur, encoding: .ascii) { out.insert(s) }
                    cur.removeAll(keepingCapacity: true)
                }
            }
        }
        return out
    }()

    /// Catalogue placeholders back to printf directives, split at newlines.
    static func printfLines(_ text: String) -> [String] {
        var t = text
        for (name, directive) in [("others", "%d"), ("line", "%d"), ("port", "%s")] {
            t = t.replacingOccurrences(of: "{\(name)}", with: directive)
        }
        t = t.replacingOccurrences(of: "\\{[a-z_]+\\}", with: "%s", options: .regularExpression)
        // GUC names passed as %s arguments (be_tls_init errdetail)
        t = t.replacingOccurrences(
            of: "\"ssl_min_protocol_version\" cannot be higher than \"ssl_max_protocol_version\"",
            with: "\"%s\" cannot be higher than \"%s\"")
        return t.split(separator: "\n").map { String($0) }.filter { !$0.isEmpty }
    }

    static let verified15 = MessageKey.allCases.filter {
        let h = MessageCatalogue.history($0).filter { $0.since <= Versions.standard.release(of: $0.side) }.last
        return h?.verifiedAgainstBinary == true && !(h?.text.isEmpty ?? true) && $0 != .serverErrorLine
    }

    @Test(.enabled(if: installed), arguments: verified15)
    func pg15TextIsInTheBinary(key: MessageKey) {
        for line in Self.printfLines(MessageCatalogue.text(key, .standard)) {
            #expect(Self.binaryStrings.contains { $0.contains(line) }, "\(key): \(line)")
        }
    }

    @Test func wordingChangesAreRecorded() {
        #expect(MessageCatalogue.text(.encryptionNone, at: 13) == "SSL off")
        #expect(MessageCatalogue.text(.encryptionNone, at: 14) == "no encryption")
        #expect(MessageCatalogue.text(.prefixTCP, at: 13) == "")
        #expect(
            MessageCatalogue.text(.rootCertMissing, at: 15) != MessageCatalogue.text(.rootCertMissing, at: 16))
        for key in MessageKey.allCases { #expect(!MessageCatalogue.source(key).isEmpty) }
    }

    @Test func templatesRenderAndMatch() {
        let t = MessageCatalogue.template(.prefixTCP, .standard).filling(["display_host": "127.0.0.1"])
        #expect(t.rendered(["port": "5433"]) == "connection to server at \"127.0.0.1\", port 5433 failed: ")
        #expect(t.matches("connection to server at \"127.0.0.1\", port 61234 failed: "))
        #expect(!t.matches("connection to server at \"127.0.0.1\", port x failed: "))
        #expect(t.placeholders == ["port"])
    }
}

@Suite("Message templates with alternatives")
struct MessageTemplateAlternativesTests {
    @Test("one_of accepts exactly the named alternatives")
    func oneOf() {
        let t = MessageTemplate(
            "could not load private key file \"k\": "
                + MessageCatalogue.wrongPassphraseDetail(.standard, printedBy: .client))
        #expect(t.matches("could not load private key file \"k\": bad decrypt"))
        #expect(t.matches("could not load private key file \"k\": unsupported"))
        #expect(!t.matches("could not load private key file \"k\": processing error"))
        #expect(t.placeholders == ["one_of"])
    }

    @Test("filling replaces every known placeholder, also inside one_of, and keeps unknown ones")
    func filling() {
        let t = MessageTemplate("port {port}, again {port}; {one_of:at {socket}|none}; {unknown}; {serial:client}")
        let values = ["port": "5432", "socket": "/s/.s.PGSQL.5432", "serial:client": "42", "unused": "x"]
        #expect(t.filling(values).text == "port 5432, again 5432; {one_of:at /s/.s.PGSQL.5432|none}; {unknown}; 42")
        #expect(MessageTemplate("no placeholders").filling(values).text == "no placeholders")
        #expect(t.filling([:]) == t)
    }
}
