import ClusterKit
import Foundation

/// Test-only TLS material made with the `openssl` CLI, until the PKI module (branch `pki`)
/// lands; everything that makes certificates is in this file so it can be swapped for it.
///
/// Shape: root CA -> intermediate CA -> server leaf (CN and the only SAN = `serverName`);
/// root CA -> client leaf (CN = `clientName`). The server sends leaf + intermediate
/// (ssl_cert_file is the bundle) and trusts the root for client certificates.
struct TLSFixture: Sendable {
    let directory: String
    let serverName: String
    let clientName: String
    /// Client-side files (ours).
    let rootCert: String
    let clientCert: String
    let clientKey: String
    /// Server-side files (owned by the server account, in cluster.filesDirectory).
    let serverCertFile: String
    let serverKeyFile: String
    let serverCAFile: String
    let rootSubject = "CN = Probe Test Root CA"
    let intermediateSubject = "CN = Probe Test Intermediate CA"

    /// Makes the material, installs the server side and turns ssl on (restart not needed
    /// for a first start; call before `start()` or reload after).
    static func install(
        on cluster: Cluster, serverName: String = "localhost", clientName: String = "alice"
    ) async throws -> TLSFixture {
        let dir = "\(cluster.workspace.clientDirectory)/tls-\(cluster.name)"
        try SecureFiles.makeDirectory(dir, mode: 0o700)
        func openssl(_ args: [String]) async throws {
            _ = try await Command.run("/usr/bin/openssl", args, workingDirectory: dir).checked()
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"]
        try await openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "root.key", "-out", "root.crt",
                "-subj", "/CN=Probe Test Root CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try await openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "inter.key", "-out", "inter.crt",
                "-CA", "root.crt", "-CAkey", "root.key", "-subj", "/CN=Probe Test Intermediate CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try await openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "server.key", "-out", "server.crt",
                "-CA", "inter.crt", "-CAkey", "inter.key", "-subj", "/CN=\(serverName)",
                "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "subjectAltName=DNS:\(serverName)",
                "-addext", "extendedKeyUsage=serverAuth",
            ])
        try await openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "client.key", "-out", "client.crt",
                "-CA", "root.crt", "-CAkey", "root.key", "-subj", "/CN=\(clientName)",
                "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "extendedKeyUsage=clientAuth",
            ])
        func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name)")) }
        let bundle = try read("server.crt") + read("inter.crt")
        let certFile = try cluster.writeServerFile("server.crt", bundle, mode: 0o644)
        let keyFile = try cluster.writeServerFile("server.key", read("server.key"), mode: 0o600)
        let caFile = try cluster.writeServerFile("root.crt", read("root.crt"), mode: 0o644)
        chmod("\(dir)/client.key", 0o600)
        try cluster.appendConf(.ssl(certFile: certFile, keyFile: keyFile, caFile: caFile))
        return TLSFixture(
            directory: dir, serverName: serverName, clientName: clientName,
            rootCert: "\(dir)/root.crt", clientCert: "\(dir)/client.crt", clientKey: "\(dir)/client.key",
            serverCertFile: certFile, serverKeyFile: keyFile, serverCAFile: caFile)
    }
}

extension CommandResult {
    func checked() throws -> CommandResult {
        guard succeeded else {
            throw ClusterKitError.commandFailed(command: commandLine, status: statusDescription, output: combinedOutput)
        }
        return self
    }
}
