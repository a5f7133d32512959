import ClusterKit
import Foundation
import Scenarios

/// What a driver run adds to a matrix report: which driver, how it was started, its
/// conformance with libpq, and its keyword mapping next to what it actually reported.
struct DriverRun: Codable, Sendable {
    var identity: DriverIdentity
    /// The registry entry it was started from.
    var entry: Driver
    var conformance: DriverConformanceSummary
    /// Probe restarts (a crashed or hung probe was replaced).
    var restarts: Int

    /// One row per libpq keyword the probe's table or its reports name: the driver's
    /// equivalent ("no equivalent" when none) and in how many cases it was reported unsupported.
    var mappingRows: [(keyword: String, equivalent: String, unsupportedCases: Int)] {
        let table = identity.mapping ?? [:]
        let keywords = Set(table.keys).union(conformance.unsupported.keys).sorted()
        return keywords.map { k in
            let equivalent: String
            if let entry = table[k] {
                equivalent = entry ?? "no equivalent"
            } else {
                equivalent = "(not in the probe's table)"
            }
            return (k, equivalent, conformance.unsupported[k] ?? 0)
        }
    }
}
