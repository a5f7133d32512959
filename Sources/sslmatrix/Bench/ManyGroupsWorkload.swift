import Foundation
import Scenarios

/// A scenario file of many small groups, the shape of work users write (PostgreSQL's own
/// SSL suite has dozens of server configurations with a handful of connections each).
///
/// Each group differs from the previous one only in what a reload switches: the server
/// certificate, the minimum TLS version, the cipher list and the pg_hba.conf method. Every
/// group has three cases whose outcomes follow from PostgreSQL's rules: a verify-full login
/// (accepted, encrypted), a plaintext attempt against hostssl-only rules (no pg_hba.conf
/// entry, "no encryption"), and a client that trusts another root (certificate verify failed).
enum ManyGroupsWorkload {
    static let header = """
        description: generated many-groups workload (sslmatrix bench)
        pki:
          certificates:
            - {name: root, cn: Bench Root CA, ca: true}
            - {name: other, cn: Other Root CA, ca: true}
            - {name: server-a, issuer: root, cn: db.example.test, san: [dns:db.example.test], purpose: server}
            - {name: server-b, issuer: root, cn: db-b.example.test, san: [dns:db.example.test], purpose: server}
            - {name: app, issuer: root, cn: app, purpose: client}
          files:
            - {name: root.crt, contains: [root]}
            - {name: other.crt, contains: [other]}
            - {name: server-a.crt, contains: [server-a]}
            - {name: server-a.key, key: server-a}
            - {name: server-b.crt, contains: [server-b]}
            - {name: server-b.key, key: server-b}
            - {name: app.crt, contains: [app]}
            - {name: app.key, key: app}
        client_defaults: {host: db.example.test, sslrootcert: root.crt, user: app, password: app-secret, sslcert: app.crt, sslkey: app.key}
        groups:

        """

    static let methods = ["scram-sha-256", "cert", "trust", "md5"]

    static func yaml(groups: Int) -> String {
        header + (0..<groups).map { group($0, repeats: [""]) }.joined()
    }

    /// The floor any reuse can reach: the same connections on servers that never switch.
    /// Every group's three cases, once per group, gathered into one group per pg_hba.conf
    /// method (4, so each connection authenticates as it did in the workload; a group's
    /// other differences, certificate and TLS bounds, change no outcome and no handshake: the
    /// client negotiates TLS 1.3 either way). On 3 lanes that is the lanes' first starts,
    /// one switch, and probing.
    static func floorYAML(groups: Int) -> String {
        var byMethod: [Int: [String]] = [:]
        for i in 0..<groups { byMethod[(i / 4) % methods.count, default: []].append("-\(i)") }
        return header
            + byMethod.keys.sorted().map { method in
                group(method * 4, repeats: byMethod[method] ?? [], name: "floor-\(methods[method])")
            }.joined()
    }

    /// Group `i`'s configuration with its three cases once per suffix in `repeats`.
    private static func group(_ i: Int, repeats: [String], name: String? = nil) -> String {
        let ciphers = ["HIGH:MEDIUM:+3DES:!aNULL", "HIGH:!aNULL:!MD5"]
        let server = i % 2 == 0 ? "server-a" : "server-b"
        let tls = (i / 2) % 2 == 0 ? "TLSv1.2" : "TLSv1.3"
        let method = methods[(i / 4) % methods.count]
        let cipher = ciphers[(i / 3) % ciphers.count]
        var text = """
              - name: \(name ?? "g\(String(format: "%02d", i))-\(server)-\(tls)-\(method)")
                server:
                  settings: {ssl: on, ssl_cert_file: pki:\(server).crt, ssl_key_file: pki:\(server).key, ssl_ca_file: pki:root.crt, ssl_min_protocol_version: \(tls), ssl_ciphers: '\(cipher)'}
                  hba: [hostssl all all all \(method)]
                  roles: [{name: app, password: app-secret}]
                cases:

            """
        for suffix in repeats {
            text += """
                      - {name: verify-full\(suffix), client: {sslmode: verify-full}, expect: {outcome: accepted, ssl: true}}
                      - name: plaintext-refused\(suffix)
                        client: {sslmode: disable}
                        expect: {outcome: rejected, message: 'no pg_hba.conf entry for host "127\\.0\\.0\\.1", user "app", database "postgres", no encryption'}
                      - name: other-root-refused\(suffix)
                        client: {sslmode: verify-full, sslrootcert: other.crt}
                        expect: {outcome: rejected, message: 'certificate verify failed'}

                """
        }
        return text
    }

    static func file(groups: Int) throws -> ScenarioFile {
        try ScenarioFile.parse(yaml(groups: groups), file: "many-groups.yaml")
    }

    static func floorFile(groups: Int) throws -> ScenarioFile {
        try ScenarioFile.parse(floorYAML(groups: groups), file: "many-groups-floor.yaml")
    }
}
