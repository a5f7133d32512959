import Foundation

/// What can go wrong choosing or starting a driver probe; each says how to fix it.
public enum DriverError: CodedError, Equatable, Sendable {
    case registryMissing(path: String)
    case invalidRegistry(path: String, reason: String)
    case unknownDriver(name: String, known: [String])
    case notInstalled(name: String, setup: String)
    case probeFailed(name: String, reason: String, setup: String)

    public var code: String {
        switch self {
        case .registryMissing: "driver-registry-missing"
        case .invalidRegistry: "driver-registry-invalid"
        case .unknownDriver: "unknown-driver"
        case .notInstalled: "driver-not-installed"
        case .probeFailed: "driver-probe-failed"
        }
    }

    public var description: String {
        switch self {
        case .registryMissing(let path):
            "no driver registry at \(path); run from the repository (or set PGSSLMATRIX_REPO to its root)"
        case .invalidRegistry(let path, let reason):
            "the driver registry \(path) is not valid: \(reason). Fix the entry (format: docs/driver-probes.md)"
        case .unknownDriver(let name, let known):
            "no driver named '\(name)' (known: \(known.joined(separator: ", ")))"
        case .notInstalled(let name, let setup):
            "the \(name) probe is not installed; install it with `\(setup)`"
        case .probeFailed(let name, let reason, let setup):
            "the \(name) probe did not start: \(reason). Reinstall it with `\(setup)`"
        }
    }
}
