import Foundation

/// A timing helper (not a test): how long a typical set costs, cold and from the cache.
///
/// Decides whether RSA is affordable per case or only per run; the figures go into the
/// project notes, not into assertions (timings vary with the machine).
public enum PKIBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        public var algorithm: KeyAlgorithm
        public var iterations: Int
        /// Median wall time with an empty cache: keys, certificates, CRLs and files.
        public var coldMedianMilliseconds: Double
        /// Median wall time for the same spec again: files only.
        public var cachedMedianMilliseconds: Double
        public var files: Int

        public var description: String {
            "\(algorithm): cold " + String(format: "%.2f", coldMedianMilliseconds) + " ms, cached "
                + String(format: "%.3f", cachedMedianMilliseconds) + " ms (median of \(iterations), \(files) files)"
        }
    }

    /// Root, intermediate, a server leaf under the intermediate, a client leaf under the root,
    /// both CRLs, and the files a cluster and a client need.
    public static func typicalSpec(_ algorithm: KeyAlgorithm) -> PKISpec {
        var spec = PKISpec()
        for name in ["root", "intermediate", "server", "client"] {
            spec.addKey(KeySpec(name: name, algorithm: algorithm))
        }
        spec.addCertificate(.rootCA(name: "root", key: "root", subject: .commonName("Bench Root")))
        spec.addCertificate(
            .intermediateCA(
                name: "intermediate", key: "intermediate", issuer: "root", subject: .commonName("Bench Intermediate")))
        spec.addCertificate(
            .server(
                name: "server", key: "server", issuer: "intermediate", subject: .commonName("localhost"),
                subjectAlternativeNames: [.dns("localhost"), .ipAddress("127.0.0.1")]))
        spec.addCertificate(.client(name: "client", key: "client", issuer: "root", subject: .commonName("alice")))
        spec.addCRL(CRLSpec(name: "root-crl", issuer: "root"))
        spec.addCRL(CRLSpec(name: "intermediate-crl", issuer: "intermediate"))
        spec.addFile(OutputFileSpec(name: "root.crt", contents: [.certificate("root")]))
        spec.addFile(
            OutputFileSpec(
                name: "server.crt", contents: [.certificate("server"), .certificate("intermediate")], owner: .server))
        spec.addFile(OutputFileSpec(name: "server.key", contents: [.privateKey("server")], owner: .server))
        spec.addFile(OutputFileSpec(name: "client.crt", contents: [.certificate("client")]))
        spec.addFile(OutputFileSpec(name: "client.key", contents: [.privateKey("client")]))
        spec.addFile(
            OutputFileSpec(name: "root+intermediate.crl", contents: [.crl("root-crl"), .crl("intermediate-crl")]))
        spec.addFile(
            OutputFileSpec(
                name: "crl-dir", contents: [.crl("root-crl"), .crl("intermediate-crl")], format: .hashedDirectory))
        return spec
    }

    /// Materializes `typicalSpec(algorithm)` `iterations` times with a fresh private cache
    /// (cold) and `iterations` times from a warm one (cached) into `directory`.
    public static func measure(
        _ algorithm: KeyAlgorithm, iterations: Int = 5, directory: String, serverAccount: ServerAccount
    ) throws -> Result {
        let spec = typicalSpec(algorithm)
        var cold: [Double] = []
        var warm: [Double] = []
        let cache = PKICache()
        for _ in 0..<max(1, iterations) {
            let fresh = PKICache()
            cold.append(
                try time {
                    _ = try PKI.materialize(
                        spec, into: directory, serverAccount: serverAccount, now: PKI.runStart, cache: fresh)
                })
        }
        _ = try PKI.materialize(spec, into: directory, serverAccount: serverAccount, now: PKI.runStart, cache: cache)
        for _ in 0..<max(1, iterations) {
            warm.append(
                try time {
                    _ = try PKI.materialize(
                        spec, into: directory, serverAccount: serverAccount, now: PKI.runStart, cache: cache)
                })
        }
        return Result(
            algorithm: algorithm, iterations: max(1, iterations), coldMedianMilliseconds: median(cold),
            cachedMedianMilliseconds: median(warm), files: spec.files.count)
    }

    private static func time(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
