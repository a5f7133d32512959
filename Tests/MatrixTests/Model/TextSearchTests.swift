import ClusterKit
import Foundation
import Scenarios
import Testing

/// The byte-wise search and replacement behind message normalisation and template filling
/// must do exactly what Foundation's did for every text a message can hold.
@Suite("Text search on the per-case path")
struct TextSearchTests {
    static let texts = [
        "", "a", "port 5432", "could not connect to server: port 5432 and port 5432.", "ääßport 5432€ port 5432",
        "no match here", "5432", "port 543", "\n\nport 5432\n", "aaab",
        "serial number 170141183460469231731687303715884105729", "/dev/shm/pg-ssl-matrix-0/run-1-2/c3/data",
        "x\u{1F600}y", "caf\u{E9} au lait",
    ]
    static let needles = [
        "port 5432", "5432", "ä", "€ p", "x", "port 54321", "\n", "aab", "1729", "/run-1-2/", "\u{1F600}", "caf\u{E9}",
        "17014118346046923173168730371588410572",
    ]

    @Test("contains and replacingAll agree with Foundation on every pair")
    func agreesWithFoundation() {
        for text in Self.texts {
            for needle in Self.needles {
                #expect(TextSearch.contains(text, needle) == text.contains(needle), "\(text) / \(needle)")
                #expect(
                    TextSearch.replacingAll(text, needle, with: "<P>")
                        == text.replacingOccurrences(of: needle, with: "<P>"), "\(text) / \(needle)")
            }
        }
        #expect(TextSearch.contains("abc", ""))
        // Byte for byte: a canonically equivalent spelling with other bytes (e + combining
        // acute for é) is another text here, as it is to a diff of two logs.
        #expect(!TextSearch.contains("cafe\u{301}", "caf\u{E9}"))
        #expect(TextSearch.replacingAll("aaaa", "aa", with: "b") == "bb")
        #expect(TextSearch.replacingAll("abc", "abcd", with: "x") == "abc")
    }

    @Test("a template fills known placeholders once, inside one_of too, and leaves the others")
    func filling() {
        let template = MessageTemplate("port {port}: {one_of:at {port}|never} {unknown} {{port}} {x")
        let filled = template.filling(["port": "5432", "unknown2": "{port}"])
        #expect(filled.text == "port 5432: {one_of:at 5432|never} {unknown} {5432} {x")
        // A value is inserted as it is, not searched for placeholders again.
        #expect(MessageTemplate("{a}").filling(["a": "{b}", "b": "no"]).text == "{b}")
    }

    @Test("compiled patterns are shared and still match as before")
    func regexCache() {
        #expect(TextSearch.search("^port [0-9]+$", in: "port 5432"))
        #expect(!TextSearch.search("^port [0-9]+$", in: "port x"))
        #expect(TextSearch.regex("^a.b$") === TextSearch.regex("^a.b$"))
        #expect(TextSearch.search("^a.b$", in: "a\nb"), "dot matches a line separator, as the comparisons need")
        #expect(!TextSearch.search("(", in: "("), "an invalid pattern matches nothing")
    }
}
