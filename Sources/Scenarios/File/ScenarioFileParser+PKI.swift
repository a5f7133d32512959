import ClusterKit
import Foundation

/// The `pki` section, read into a `PKISpec`, plus what later sections check names against.
struct ParsedPKI {
    var spec = PKISpec()
    /// Files whose `owner` the file left to the default (server if server settings name it).
    var ownerUnset: Set<String> = []

    var fileNames: [String] { spec.files.map(\.name) }

    mutating func defaultOwners(serverFiles: Set<String>) {
        for i in spec.files.indices where ownerUnset.contains(spec.files[i].name) {
            spec.files[i].owner = serverFiles.contains(spec.files[i].name) ? .server : .client
        }
    }
}

extension ScenarioFileParser {
    static let pkiKeys = ["certificates", "crls", "files"]
    static let certificateKeys = [
        "name", "cn", "subject", "issuer", "ca", "pathlen", "san", "validity", "key", "purpose", "key_usage",
        "extended_key_usage",
    ]
    static let crlKeys = ["name", "issuer", "revoke", "expired"]
    static let fileKeys = ["name", "contains", "key", "owner", "mode", "encrypted", "encoding", "format"]
    static let keyTypes: [String: KeyAlgorithm] = [
        "ec": .ecP256, "ec-p256": .ecP256, "ec-p384": .ecP384, "rsa2048": .rsa2048, "rsa3072": .rsa3072,
        "rsa4096": .rsa4096, "ed25519": .ed25519, "rsa-pss": .rsaPSS(bits: 2048), "rsa-pss2048": .rsaPSS(bits: 2048),
        "rsa-pss3072": .rsaPSS(bits: 3072),
    ]
    /// Every key type ClusterKit's `KeyAlgorithm` can make.
    static let keyTypeNames = [
        "ec", "ec-p256", "ec-p384", "rsa2048", "rsa3072", "rsa4096", "ed25519", "rsa-pss", "rsa-pss2048",
        "rsa-pss3072",
    ]

    func parsePKI(_ c: YAMLCursor) throws -> ParsedPKI {
        let m = try c.mapping(allowed: Self.pkiKeys)
        var pki = ParsedPKI()
        var issuedBy: [String: String?] = [:]
        var keyOf: [String: String] = [:]
        for item in try m["certificates"]?.list() ?? [] {
            let cert = try parseCertificate(item, known: Array(issuedBy.keys))
            if issuedBy[cert.name] != nil {
                throw ScenarioFileError.duplicateName(file: file, line: item.line, kind: "certificate", name: cert.name)
            }
            issuedBy[cert.name] = .some(cert.issuer)
            keyOf[cert.name] = cert.key.name
            pki.spec.addCertificate(cert.spec)
            pki.spec.addKey(cert.key)
        }
        let certificateNames = pki.spec.certificates.map(\.name)
        for item in try m["crls"]?.list() ?? [] {
            let cm = try item.mapping(allowed: Self.crlKeys, required: ["name", "issuer"])
            let nameCursor = try cm.required("name")
            let name = try nameCursor.nonEmptyString()
            if pki.spec.crls.contains(where: { $0.name == name }) || issuedBy[name] != nil {
                throw ScenarioFileError.duplicateName(
                    file: file, line: nameCursor.line, kind: "certificate or CRL", name: name)
            }
            let issuerCursor = try cm.required("issuer")
            let issuer = try reference(issuerCursor, kind: "certificate", in: certificateNames)
            var revoked: [String] = []
            if let list = cm["revoke"] {
                for r in try list.list() {
                    let n = try reference(r, kind: "certificate", in: certificateNames)
                    if issuedBy[n] != .some(issuer) {
                        throw ScenarioFileError.conflict(
                            file: file, line: r.line,
                            reason:
                                "CRL '\(name)' can only revoke certificates that '\(issuer)' issued; '\(n)' was not (a CA revokes only its own certificates)."
                        )
                    }
                    revoked.append(n)
                }
            }
            pki.spec.addCRL(
                try cm["expired"]?.bool() == true
                    ? .expired(name: name, issuer: issuer, revoked: revoked)
                    : CRLSpec(name: name, issuer: issuer, revoked: revoked))
        }
        let crlNames = pki.spec.crls.map(\.name)
        for item in try m["files"]?.list() ?? [] {
            let (spec, ownerGiven) = try parseFile(item, certificates: certificateNames, crls: crlNames, keyOf: keyOf)
            if pki.spec.files.contains(where: { $0.name == spec.name }) {
                throw ScenarioFileError.duplicateName(file: file, line: item.line, kind: "file", name: spec.name)
            }
            pki.spec.addFile(spec)
            if !ownerGiven { pki.ownerUnset.insert(spec.name) }
        }
        return pki
    }

    private struct ParsedCertificate {
        var spec: CertificateSpec
        var key: KeySpec
        var name: String { spec.name }
        var issuer: String? { spec.issuer }
        var basicConstraints: BasicConstraints? { spec.basicConstraints }
    }

    /// A certificate; its issuer must come earlier in the list (issuers first, as a DBA
    /// would create them), which also rules out cycles.
    private func parseCertificate(_ c: YAMLCursor, known: [String]) throws -> ParsedCertificate {
        let m = try c.mapping(allowed: Self.certificateKeys, required: ["name"])
        let name = try m.required("name").nonEmptyString()
        let algorithm = try m["key"].map { Self.keyTypes[try $0.word(Self.keyTypeNames)]! } ?? .ecP256
        let key = KeySpec(name: "\(name)-key-\(Self.keyTypeName(algorithm))", algorithm: algorithm)
        if m.has("cn") && m.has("subject") {
            throw ScenarioFileError.conflict(
                file: file, line: m.keyLine("subject"),
                reason:
                    "certificate '\(name)' has both 'cn' and 'subject'; use cn for a CN-only name or subject: /O=.../CN=... for a full one."
            )
        }
        let subject: DistinguishedName
        if let s = m["subject"] {
            subject = try distinguishedName(s)
        } else {
            subject = .commonName(try m["cn"]?.nonEmptyString() ?? name)
        }
        var issuer: String? = nil
        if let i = m["issuer"] {
            let n = try i.nonEmptyString()
            if n != name {
                issuer = try reference(
                    i, kind: "certificate (issuers must be listed before what they issue)", in: known)
            }
        }
        let ca = try m["ca"]?.bool() ?? false
        let pathlen = try m["pathlen"]?.int(in: 0...255)
        if pathlen != nil && !ca {
            throw ScenarioFileError.conflict(
                file: file, line: m.keyLine("pathlen"),
                reason: "pathlen only applies to a CA; add ca: true or remove pathlen.")
        }
        let validity = try m["validity"].map { try parseValidity($0) } ?? (ca ? .current(days: 3650) : .current())
        var sans: [SubjectAlternativeName] = []
        if let s = m["san"] {
            for item in s.node.sequence != nil ? try s.list() : [s] {
                sans.append(try subjectAltName(try item.nonEmptyString(), at: item))
            }
        }
        var spec: CertificateSpec
        if ca {
            spec =
                issuer == nil
                ? .rootCA(name: name, key: key.name, subject: subject, validity: validity)
                : .intermediateCA(
                    name: name, key: key.name, issuer: issuer!, subject: subject, pathLength: pathlen,
                    validity: validity)
            if let pathlen { spec.basicConstraints = .certificateAuthority(pathLength: pathlen) }
            spec.subjectAlternativeNames = sans
        } else {
            spec = .server(
                name: name, key: key.name, issuer: issuer, subject: subject, subjectAlternativeNames: sans,
                validity: validity)
            let purpose = try m["purpose"]?.word(["server", "client", "both"]) ?? "both"
            spec.extendedKeyUsage =
                switch purpose {
                case "server": [.serverAuth]
                case "client": [.clientAuth]
                default: [.serverAuth, .clientAuth]
                }
        }
        if ca && m.has("purpose") {
            throw ScenarioFileError.conflict(
                file: file, line: m.keyLine("purpose"),
                reason: "purpose applies to leaf certificates; a CA has none. Remove it.")
        }
        if m.has("purpose") && m.has("extended_key_usage") {
            throw ScenarioFileError.conflict(
                file: file, line: m.keyLine("extended_key_usage"),
                reason:
                    "certificate '\(name)' has both 'purpose' and 'extended_key_usage'; purpose is shorthand for the extendedKeyUsage list, so give one of them."
            )
        }
        if let list = m["key_usage"] {
            spec.keyUsage = try usageList(list, KeyUsage.allCases.map(\.rawValue))?.map { KeyUsage(rawValue: $0)! }
        }
        if let list = m["extended_key_usage"] {
            spec.extendedKeyUsage = try usageList(list, ExtendedKeyUsage.allCases.map(\.rawValue))?.map {
                ExtendedKeyUsage(rawValue: $0)!
            }
        }
        return ParsedCertificate(spec: spec, key: key)
    }

    /// `[digitalSignature, keyEncipherment]`: the extension with exactly these bits (in
    /// OpenSSL's names); `none` leaves the extension out of the certificate altogether.
    private func usageList(_ c: YAMLCursor, _ allowed: [String]) throws -> [String]? {
        if case .scalar = c.node, try c.word(["none"] + allowed) == "none" { return nil }
        let items = c.node.sequence != nil ? try c.list() : [c]
        if items.isEmpty { throw c.wrongType("a non-empty list of \(allowed.joined(separator: ", ")), or none") }
        var out: [String] = []
        for item in items {
            let word = try item.word(allowed)
            if out.contains(word) {
                throw ScenarioFileError.duplicateName(file: file, line: item.line, kind: "usage", name: word)
            }
            out.append(word)
        }
        return out
    }

    static func keyTypeName(_ a: KeyAlgorithm) -> String {
        keyTypes.first { $0.value == a }.map(\.key) ?? "\(a)"
    }

    /// `/O=Example/CN=alice`, the `openssl -subj` form.
    private func distinguishedName(_ c: YAMLCursor) throws -> DistinguishedName {
        let text = try c.nonEmptyString()
        guard text.hasPrefix("/") else { throw c.invalid(text, expected: "a name in the form /O=Example/CN=alice") }
        var pairs: [(String, String)] = []
        for part in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let eq = part.firstIndex(of: "="), eq != part.startIndex, part.index(after: eq) != part.endIndex
            else {
                throw c.invalid(text, expected: "a name in the form /O=Example/CN=alice (each part TYPE=value)")
            }
            if part.unicodeScalars.contains("\0") {
                throw ScenarioFileError.unsafeValue(
                    file: file, line: c.line, context: "'\(c.path)'",
                    reason:
                        "a NUL in a name would be cut there by OpenSSL; the harness refuses rather than issue a different name"
                )
            }
            pairs.append((String(part[..<eq]), String(part[part.index(after: eq)...])))
        }
        return DistinguishedName(pairs)
    }

    private func subjectAltName(_ text: String, at c: YAMLCursor) throws -> SubjectAlternativeName {
        guard let colon = text.firstIndex(of: ":") else {
            throw c.invalid(text, expected: "dns:NAME, ip:ADDRESS, email:ADDRESS or uri:URI")
        }
        let value = String(text[text.index(after: colon)...])
        if value.isEmpty || value.contains(",") { throw c.invalid(text, expected: "a non-empty value without commas") }
        if ConfigGrammar.controlCharacter(in: value) != nil {
            throw ScenarioFileError.unsafeValue(
                file: file, line: c.line, context: "'\(c.path)'",
                reason:
                    "subjectAltName '\(ConfigGrammar.escaped(text))' contains a control character; the harness writes SANs through OpenSSL's configuration syntax, which would cut the name at a NUL, so it refuses rather than issue a different name"
            )
        }
        switch text[..<colon].lowercased() {
        case "dns": return .dns(value)
        case "ip": return .ipAddress(value)
        case "email": return .email(value)
        case "uri": return .uri(value)
        default: throw c.invalid(text, expected: "dns:NAME, ip:ADDRESS, email:ADDRESS or uri:URI")
        }
    }

    private func parseValidity(_ c: YAMLCursor) throws -> Validity {
        if case .scalar = c.node {
            switch try c.word(["expired", "not-yet-valid"]) {
            case "expired": return .expired
            default: return .notYetValid
            }
        }
        let m = try c.mapping(allowed: ["days", "not_before", "not_after"])
        if m.has("not_before") || m.has("not_after") {
            if m.has("days") {
                throw ScenarioFileError.conflict(
                    file: file, line: m.keyLine("days"),
                    reason:
                        "validity has both 'days' (relative to the run) and fixed times; use days, or not_before and not_after."
                )
            }
            let notBefore = try m.required("not_before")
            let notAfter = try m.required("not_after")
            let from = try fixedTime(notBefore)
            let until = try fixedTime(notAfter)
            if until <= from {
                throw notAfter.invalid(try notAfter.string(), expected: "a time after not_before")
            }
            return Validity(notBeforeOffset: 0, notAfterOffset: 0, fixedNotBefore: from, fixedNotAfter: until)
        }
        let days = try m.required("days").int(in: -36_500...36_500)
        if days <= 0 {
            throw try m.required("days").invalid(
                String(days), expected: "a positive number of days (use validity: expired for an expired certificate)")
        }
        return .current(days: days)
    }

    /// `2020-01-01T00:00:00Z` (RFC 3339, UTC, whole seconds): seconds since 1970, within
    /// what an X.509 time can hold (years 1950-9999).
    private func fixedTime(_ c: YAMLCursor) throws -> Int64 {
        let text = try c.string()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard text.count == 20, text.hasSuffix("Z"), let date = formatter.date(from: text) else {
            throw c.invalid(text, expected: "a UTC time such as 2020-01-01T00:00:00Z")
        }
        let seconds = date.timeIntervalSince1970
        guard seconds >= -631_152_000, seconds < 253_402_300_800 else {
            throw ScenarioFileError.outOfRange(
                file: file, line: c.line, context: "'\(c.path)'", value: text, range: "1950-01-01 to 9999-12-31")
        }
        return Int64(seconds)
    }

    private func parseFile(
        _ c: YAMLCursor, certificates: [String], crls: [String], keyOf: [String: String]
    ) throws -> (OutputFileSpec, Bool) {
        let m = try c.mapping(allowed: Self.fileKeys, required: ["name"])
        let nameCursor = try m.required("name")
        let name = try nameCursor.nonEmptyString()
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        if name.hasPrefix("/") || components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
            || ConfigGrammar.controlCharacter(in: name) != nil || components.contains(where: { $0.utf8.count > 255 })
        {
            throw nameCursor.invalid(
                ConfigGrammar.escaped(name),
                expected: "a file name relative to the PKI directory (no '.', '..', empty parts or control characters)")
        }
        var contents: [OutputFileSpec.Object] = []
        if let list = m["contains"] {
            let items = list.node.sequence != nil ? try list.list() : [list]
            for item in items {
                let n = try item.nonEmptyString()
                if certificates.contains(n) {
                    contents.append(.certificate(n))
                } else if crls.contains(n) {
                    contents.append(.crl(n))
                } else {
                    throw ScenarioFileError.undefinedName(
                        file: file, line: item.line, kind: "certificate or CRL", name: n, defined: certificates + crls)
                }
            }
        }
        if let k = m["key"] {
            let owner = try reference(
                k, kind: "certificate (key: names the certificate whose private key the file holds)", in: certificates)
            contents.append(.privateKey(keyOf[owner]!))
        }
        if contents.isEmpty {
            throw ScenarioFileError.missingKey(
                file: file, line: c.line, key: "contains' or 'key", context: "file '\(name)'")
        }
        let format: OutputFileSpec.Format =
            switch try m["format"]?.word(["pem", "der", "hashed-directory"]) ?? "pem" {
            case "der": .der
            case "hashed-directory": .hashedDirectory
            default: .pem
            }
        let passphrase = try m["encrypted"]?.nonEmptyString()
        let traditional = try m["encoding"]?.word(["pkcs8", "traditional"]) == "traditional"
        if (passphrase != nil || m.has("encoding")) && m["key"] == nil {
            throw ScenarioFileError.conflict(
                file: file, line: m.keyLine(passphrase != nil ? "encrypted" : "encoding"),
                reason: "'encrypted' and 'encoding' apply to a private key; add key: CERTIFICATE or remove them.")
        }
        let encoding: PrivateKeyEncoding =
            switch (traditional, passphrase) {
            case (false, nil): .pkcs8
            case (false, let p?): .pkcs8Encrypted(passphrase: p)
            case (true, nil): .traditional
            case (true, let p?): .traditionalEncrypted(passphrase: p)
            }
        var mode: UInt16? = nil
        if let modeCursor = m["mode"] {
            let text = try modeCursor.string()
            guard text.count >= 3, text.count <= 4, let value = UInt16(text, radix: 8), value <= 0o777 else {
                throw modeCursor.invalid(text, expected: "octal permissions in quotes, such as \"0600\" or \"0640\"")
            }
            mode = value
        }
        var owner: OutputFileSpec.OwnerRole = .client
        if let o = m["owner"] {
            owner =
                switch try o.word(["server", "client", "root-with-server-group"]) {
                case "server": .server
                case "root-with-server-group": .rootWithServerGroup
                default: .client
                }
        }
        return (
            OutputFileSpec(
                name: name, contents: contents, format: format, keyEncoding: encoding, mode: mode, owner: owner),
            m.has("owner")
        )
    }

    /// A name that must be one of `defined`, or an `undefined-name` error at its line.
    func reference(_ c: YAMLCursor, kind: String, in defined: [String]) throws -> String {
        let n = try c.nonEmptyString()
        guard defined.contains(n) else {
            throw ScenarioFileError.undefinedName(file: file, line: c.line, kind: kind, name: n, defined: defined)
        }
        return n
    }
}
