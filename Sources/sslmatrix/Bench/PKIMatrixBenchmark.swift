import ClusterKit
import Foundation
import Scenarios

/// Time to write the certificate material of every group of the built-in matrix: cold
/// (empty PKI cache: every key and certificate made) and cached (files only).
struct PKIMatrixBenchmark {
    let major: Int

    struct Result: Codable, Sendable {
        var groups: Int
        var coldMilliseconds: Double
        var cachedMilliseconds: Double
    }

    func run() throws -> Result {
        let ws = try Workspace.shared()
        let specs = MatrixDefinition.groups.map { MatrixRealizer.realize($0, versions: .same(major)).pki }
        let root = ws.clientDirectory + "/bench-pki"
        func pass() throws -> Double {
            SecureFiles.remove(root)
            let start = Stopwatch.now()
            for (i, spec) in specs.enumerated() {
                _ = try PKI.materialize(spec, into: "\(root)/\(i)", serverAccount: ws.account)
            }
            return Stopwatch.ms(since: start)
        }
        PKI.clearCache()
        let cold = try pass()
        let cached = try pass()
        SecureFiles.remove(root)
        return Result(groups: specs.count, coldMilliseconds: cold, cachedMilliseconds: cached)
    }
}
