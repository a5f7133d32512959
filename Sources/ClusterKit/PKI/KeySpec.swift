/// A named private key. Name and algorithm together identify it in the per-process cache:
/// two specs that both ask for `KeySpec(name: "server", algorithm: .ecP256)` get the same key.
public struct KeySpec: Codable, Hashable, Sendable {
    public var name: String
    public var algorithm: KeyAlgorithm

    public init(name: String, algorithm: KeyAlgorithm = .ecP256) {
        self.name = name
        self.algorithm = algorithm
    }
}
