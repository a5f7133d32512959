import ClusterKit
import Foundation
import Scenarios
import Testing

/// A scratch directory with the impostor experiment's PKI, removed after `body`.
func withImpostorScratch<T: Sendable>(_ body: (PKIMaterial, String) async throws -> T) async throws -> T {
    let workspace = try Workspace.shared()
    let scratch = workspace.clientDirectory + "/impostor-test-\(UUID().uuidString.prefix(8))"
    try SecureFiles.makeDirectory(scratch, mode: 0o700)
    defer { SecureFiles.remove(scratch) }
    let pki = try PKI.materialize(ImpostorPKI.spec, into: scratch + "/pki", serverAccount: workspace.account)
    return try await body(pki, scratch)
}

extension ImpostorCase: CustomTestStringConvertible {
    public var testDescription: String { "\(variant) \(description)" }
}
