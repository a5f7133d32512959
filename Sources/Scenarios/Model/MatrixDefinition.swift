import ClusterKit

/// Scenarios that can share one cluster (same `ServerSide`).
public struct MatrixGroup: Sendable, Hashable, Codable, CustomStringConvertible {
    public var id: String
    public var server: ServerSide
    public var scenarios: [Scenario]
    public var description: String { "\(id) (\(scenarios.count) cases)" }
}

/// The built-in matrix. Each pg_hba rule gets its own role `u_<type>_<method>[_<n>]`, so one
/// cluster serves a whole hba set; groups differ only by PKI choice, TLS settings and hba text.
public enum MatrixDefinition {
    static let mainTypes: [HBAConnectionType] = [.host, .hostssl, .hostnossl, .local]
    static let mainMethods: [HBAMethod] = [.trust, .reject, .password, .md5, .scramSHA256, .cert]

    static func roleName(_ type: HBAConnectionType, _ method: HBAMethod, _ suffix: String = "") -> String {
        let m = method == .scramSHA256 ? "scram" : method.rawValue
        return "u_\(type.rawValue)_\(m)" + suffix
    }

    /// One rule per (type, method) that pg_hba accepts (cert only on hostssl).
    static var mainHBA: [HBAEntry] {
        var rules: [HBAEntry] = []
        for t in mainTypes {
            for m in mainMethods where !(m == .cert && t != .hostssl) {
                rules.append(HBAEntry(t, user: roleName(t, m), method: m))
            }
        }
        return rules
    }

    /// sslmode x hba type x method x server chain x client trust (x hostnossl-reject-first variant).
    static var chainProduct: [Scenario] {
        var out: [Scenario] = []
        for hardened in [false, true] {
            let hba = (hardened ? [HBAEntry.rejectNonSSL] : []) + mainHBA
            for chain in ServerChain.allCases where chain.inMainProduct {
                let server = ServerSide(chain: chain, hba: hba)
                for rule in mainHBA {
                    if hardened, chain != .rootSigned && chain != .intermediateUnbundled { continue }
                    for mode in SSLMode.allCases {
                        for trust in ClientTrust.allCases {
                            let cert: ClientCertificate = rule.method == .cert ? .validCNUser : .none
                            out.append(
                                Scenario(
                                    server: server, client: ClientSide(sslMode: mode, trust: trust, certificate: cert),
                                    user: rule.user))
                        }
                    }
                }
            }
        }
        return out
    }

    /// client certificate x hostssl methods x clientcert option.
    static var clientCertProduct: [Scenario] {
        let methods: [HBAMethod] = [.trust, .password, .scramSHA256, .cert]
        var hba: [HBAEntry] = []
        for m in methods {
            for (i, cc) in [nil, HBAClientCertOption.verifyCA, .verifyFull].enumerated()
            where !(m == .cert && cc == .verifyCA) {
                hba.append(HBAEntry(.hostssl, user: roleName(.hostssl, m, "_cc\(i)"), method: m, clientCert: cc))
            }
        }
        let mapRules = [
            HBAEntry(.hostssl, user: "u_cert_plainmap", method: .cert, map: "plainmap"),
            HBAEntry(.hostssl, user: "u_cert_regexmap", method: .cert, map: "regexmap"),
            HBAEntry(.hostssl, user: "u_cert_dn", method: .cert, clientName: .dn),
            HBAEntry(.hostssl, user: "u_cert_dnmap", method: .cert, clientName: .dn, map: "dnmap"),
        ]
        let ident = [
            IdentMapEntry(map: "plainmap", systemUser: "u_cert_plainmap@example.com", databaseUser: "u_cert_plainmap"),
            IdentMapEntry(map: "regexmap", systemUser: "/^(.*)@example\\.com$", databaseUser: "\\1"),
            IdentMapEntry(map: "dnmap", systemUser: "/^CN=(.*)$", databaseUser: "\\1"),
        ]
        var out: [Scenario] = []
        for (caFile, crl) in [
            (ServerCAFile.root, ServerCRL.none), (.root, .file), (.rootAndIntermediate, .none), (.none, .none),
        ] {
            let server = ServerSide(tls: ServerTLS(caFile: caFile, crl: crl), hba: hba + mapRules, ident: ident)
            for rule in hba + mapRules {
                for cert in ClientCertificate.allCases {
                    for mode in [SSLMode.verifyFull, .prefer] {
                        out.append(
                            Scenario(
                                server: server, client: ClientSide(sslMode: mode, certificate: cert), user: rule.user))
                    }
                }
            }
        }
        return out
    }

    /// Host-name variants x sslmode, plus CRL options on the chain variants.
    static var namesAndCRLProduct: [Scenario] {
        var out: [Scenario] = []
        let hba = [HBAEntry(.hostssl, user: "u_hostssl_trust", method: .trust)]
        // .standard names with these modes is chainProduct's root-signed / trust root case.
        for names in ServerNames.allCases where names != .standard {
            let server = ServerSide(names: names, hba: hba)
            for mode in [SSLMode.require, .verifyCA, .verifyFull] {
                out.append(Scenario(server: server, client: ClientSide(sslMode: mode), user: "u_hostssl_trust"))
            }
        }
        for chain in ServerChain.allCases where chain.inMainProduct {
            let server = ServerSide(chain: chain, hba: hba)
            for crl in ClientCRL.allCases where crl != .none {
                for trust in [ClientTrust.root, .rootAndIntermediate] {
                    for mode in [SSLMode.prefer, .verifyCA, .verifyFull] {
                        out.append(
                            Scenario(
                                server: server, client: ClientSide(sslMode: mode, trust: trust, crl: crl),
                                user: "u_hostssl_trust"))
                    }
                }
            }
        }
        return out
    }

    /// channel_binding x passwords x stored type x method x sslmode.
    static var passwordProduct: [Scenario] {
        let base = mainHBA.filter { [.password, .md5, .scramSHA256, .trust].contains($0.method) && $0.type != .local }
        let md5Stored = base.map { r -> HBAEntry in
            var r = r; r.user += "_md5stored"; return r
        }
        let server = ServerSide(hba: mainHBA + md5Stored)
        var out: [Scenario] = []
        for rule in base {
            for mode in [SSLMode.disable, .allow, .prefer, .require] {
                for cb in ChannelBinding.allCases {
                    for pw in ClientPassword.allCases {
                        // channel_binding=prefer, the right password, SCRAM-stored: chainProduct's
                        // root-signed / trust root case for the same rule and mode.
                        for stored in StoredPassword.allCases where !(cb == .prefer && pw == .right && stored == .scram)
                        {
                            let user = rule.user + (stored == .md5 ? "_md5stored" : "")
                            out.append(
                                Scenario(
                                    server: server, client: ClientSide(sslMode: mode, channelBinding: cb, password: pw),
                                    user: user, storedPassword: stored))
                        }
                    }
                }
            }
        }
        return out
    }

    /// Server TLS settings and client protocol ranges; invalid hba sets; Unix socket.
    static var settingsProduct: [Scenario] {
        var out: [Scenario] = []
        let hba = [
            HBAEntry(.host, user: "u_host_trust", method: .trust),
            HBAEntry(.hostssl, user: "u_hostssl_trust", method: .trust),
        ]
        let settings: [ServerTLS] = [
            ServerTLS(ssl: false),
            ServerTLS(minProtocol: .tls13), ServerTLS(maxProtocol: .tls12),
            ServerTLS(minProtocol: .tls13, maxProtocol: .tls12),
            ServerTLS(ciphers: .strict), ServerTLS(maxProtocol: .tls12, ciphers: .strict),
            ServerTLS(preferServerCiphers: false),
            ServerTLS(ecdhCurve: "secp384r1"), ServerTLS(passphrase: .commandRight),
            ServerTLS(passphrase: .commandRightReload),
            ServerTLS(passphrase: .commandWrong),
        ]
        let ranges: [(TLSVersion?, TLSVersion?)] = [(nil, nil), (.tls13, nil), (nil, .tls12), (.tls13, .tls12)]
        for tls in settings {
            let server = ServerSide(tls: tls, hba: hba)
            for user in ["u_host_trust", "u_hostssl_trust"] {
                for mode in SSLMode.allCases {
                    for (lo, hi) in ranges {
                        out.append(
                            Scenario(
                                server: server, client: ClientSide(sslMode: mode, minProtocol: lo, maxProtocol: hi),
                                user: user))
                    }
                }
            }
        }
        let invalid: [HBAEntry] = [
            HBAEntry(.host, user: "u_bad", method: .cert),
            HBAEntry(.host, user: "u_bad", method: .scramSHA256, clientCert: .verifyFull),
            HBAEntry(.hostssl, user: "u_bad", method: .cert, clientCert: .verifyCA),
            HBAEntry(.hostssl, user: "u_bad", method: .trust, clientCert: .legacyOne),
            HBAEntry(.hostnossl, user: "u_bad", method: .trust, clientName: .cn),
            HBAEntry(.hostssl, user: "u_bad", method: .scramSHA256, clientCert: .verifyFull, map: "m"),
        ]
        // The client connects as the invalid line's user, so the id names that line: each
        // invalid line is its own case on its own server start.
        for bad in invalid {
            let server = ServerSide(hba: [HBAEntry(.hostssl, user: "u_ok", method: .trust), bad])
            out.append(Scenario(server: server, client: ClientSide(sslMode: .require), user: bad.user))
        }
        let localServer = ServerSide(hba: mainHBA)
        for rule in mainHBA where rule.type == .local {
            for mode in SSLMode.allCases {
                out.append(
                    Scenario(
                        server: localServer, client: ClientSide(sslMode: mode, transport: .unixSocket), user: rule.user)
                )
            }
        }
        return out
    }

    /// PKI realism: a forged chain (the root's name, another key: signature failure) and a
    /// server leaf without serverAuth, x sslmode x client trust, against `hostssl trust`.
    static var pkiRealismProduct: [Scenario] {
        let hba = [HBAEntry(.hostssl, user: "u_hostssl_trust", method: .trust)]
        var out: [Scenario] = []
        for chain in ServerChain.allCases where !chain.inMainProduct {
            let server = ServerSide(chain: chain, hba: hba)
            for mode in SSLMode.allCases {
                for trust in ClientTrust.allCases {
                    out.append(
                        Scenario(
                            server: server, client: ClientSide(sslMode: mode, trust: trust), user: "u_hostssl_trust"))
                }
            }
        }
        return out
    }

    /// Every scenario of the built-in matrix, as generated: nothing is filtered out, so a
    /// generator that makes two cases with one id is caught by `duplicateIds` (a test
    /// failure), never silently dropped. Generated once per process (11,000+ scenarios; the
    /// CLI, the reports and the tests each read it many times).
    public static let scenarios: [Scenario] =
        chainProduct + clientCertProduct + namesAndCRLProduct + passwordProduct + settingsProduct + pkiRealismProduct
        + clientOptionsProduct

    /// Ids that more than one generated scenario carries (must be empty).
    public static var duplicateIds: [String] {
        var counts: [String: Int] = [:]
        for s in scenarios { counts[s.id, default: 0] += 1 }
        return counts.filter { $0.value > 1 }.keys.sorted()
    }

    /// Scenarios grouped by server side, in a stable order (made once per process).
    public static let groups: [MatrixGroup] = {
        var order: [ServerSide] = []
        var byServer: [ServerSide: [Scenario]] = [:]
        for s in scenarios {
            if byServer[s.server] == nil { order.append(s.server) }
            byServer[s.server, default: []].append(s)
        }
        return order.map { MatrixGroup(id: $0.description, server: $0, scenarios: byServer[$0]!) }
    }()
}
