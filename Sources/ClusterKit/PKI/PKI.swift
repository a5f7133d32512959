import Foundation

/// The entry point: turns a `PKISpec` into keys, certificates, CRLs and files.
///
/// Objects are built once per process (see `PKICache`); files are rewritten on every call,
/// which is cheap and means a test may delete or chmod them freely.
public enum PKI {
    /// The run's `now`, captured once (whole seconds, since certificates carry no fractions):
    /// every validity window of the run is relative to it, so cached objects stay coherent.
    public static let runStart = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

    /// Builds (or takes from the cache) every object of `spec` and writes its files into
    /// `directory`, which is created 0755 if missing (the server account must be able to
    /// enter it). Files owned by `.server` go to `serverAccount`.
    ///
    /// `skipping` names files already in `directory` exactly as this spec would write them (a
    /// reused server's previous group wrote them from equal objects; see the runner's
    /// `KeptFiles`): they are left alone and listed in the material like the others.
    public static func materialize(
        _ spec: PKISpec, into directory: String, serverAccount: ServerAccount, now: Date = PKI.runStart,
        skipping: Set<String> = []
    ) throws -> PKIMaterial {
        try materialize(
            spec, into: directory, serverAccount: serverAccount, now: now, cache: .shared, skipping: skipping)
    }

    /// The same with a private cache (benchmarks and tests that count generations).
    static func materialize(
        _ spec: PKISpec, into directory: String, serverAccount: ServerAccount, now: Date, cache: PKICache,
        skipping: Set<String> = []
    ) throws -> PKIMaterial {
        let built = try cache.objects(for: spec, now: now)
        if !FileManager.default.fileExists(atPath: directory) {
            try SecureFiles.makeDirectory(directory, mode: 0o755)
        }
        var paths: [String: String] = [:]
        for file in spec.files {
            let path = (directory as NSString).appendingPathComponent(file.name)
            if skipping.contains(file.name) {
                paths[file.name] = path
                continue
            }
            let parent = (path as NSString).deletingLastPathComponent
            if !FileManager.default.fileExists(atPath: parent) { try SecureFiles.makeDirectory(parent, mode: 0o755) }
            let owner = owner(file.owner, serverAccount: serverAccount)
            switch file.format {
            case .pem, .der:
                try SecureFiles.write(
                    try contents(of: file, built: built), to: path, mode: mode_t(file.effectiveMode), owner: owner)
            case .hashedDirectory:
                try writeHashedDirectory(file, at: path, built: built, owner: owner)
            }
            paths[file.name] = path
        }
        return PKIMaterial(directory: directory, files: paths, certificates: built.facts, now: now)
    }

    /// Statistics of the per-process cache (keys generated, certificates and CRLs issued).
    public static var cacheStatistics: (keysGenerated: Int, certificatesIssued: Int, crlsIssued: Int) {
        let s = PKICache.shared.statistics
        return (s.keysGenerated, s.certificatesIssued, s.crlsIssued)
    }

    /// Forgets every cached object; the next materialize generates keys again.
    public static func clearCache() {
        PKICache.shared.removeAll()
    }

    static func owner(_ role: OutputFileSpec.OwnerRole, serverAccount: ServerAccount) -> ServerAccount? {
        switch role {
        case .server: serverAccount
        case .client: nil
        case .rootWithServerGroup: ServerAccount(name: "root", uid: 0, gid: serverAccount.gid)
        }
    }

    private static func contents(of file: OutputFileSpec, built: BuiltPKI) throws -> Data {
        var data = Data()
        for object in file.contents {
            switch (object, file.format) {
            case (.certificate(let name), .pem): data.append(try built.certificates[name]!.pem())
            case (.certificate(let name), _): data.append(try built.certificates[name]!.der())
            case (.crl(let name), .pem): data.append(try built.crls[name]!.pem())
            case (.crl(let name), _): data.append(try built.crls[name]!.der())
            case (.privateKey(let name), .pem): data.append(try built.keys[name]!.pem(file.keyEncoding))
            case (.privateKey(let name), _): data.append(try built.keys[name]!.der(file.keyEncoding))
            }
        }
        return data
    }

    /// `<hash>.N` per certificate and `<hash>.rN` per CRL, N counting up on hash collisions,
    /// as `openssl rehash` names them. The directory is emptied first: a stale CRL left from
    /// an earlier call would change what a verifier sees.
    private static func writeHashedDirectory(
        _ file: OutputFileSpec, at path: String, built: BuiltPKI, owner: ServerAccount?
    ) throws {
        SecureFiles.remove(path)
        try SecureFiles.makeDirectory(path, mode: mode_t(file.effectiveMode), owner: owner)
        var used = Set<String>()
        func freeName(_ hash: UInt, _ prefix: String) -> String {
            let stem = String(format: "%08lx", hash)
            var n = 0
            while used.contains("\(stem).\(prefix)\(n)") { n += 1 }
            used.insert("\(stem).\(prefix)\(n)")
            return "\(stem).\(prefix)\(n)"
        }
        for object in file.contents {
            let name: String
            let data: Data
            switch object {
            case .certificate(let c):
                name = freeName(built.certificates[c]!.subjectHash, "")
                data = try built.certificates[c]!.pem()
            case .crl(let c):
                name = freeName(built.crls[c]!.issuerHash, "r")
                data = try built.crls[c]!.pem()
            case .privateKey(let k):
                throw ClusterKitError.pkiSpecInvalid(
                    reason: "hashed directory '\(file.name)' cannot hold the private key '\(k)'")
            }
            try SecureFiles.write(data, to: (path as NSString).appendingPathComponent(name), mode: 0o644, owner: owner)
        }
    }
}
