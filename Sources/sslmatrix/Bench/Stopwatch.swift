import Foundation

/// Wall-clock timing for the benchmark: monotonic, in milliseconds.
enum Stopwatch {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func ms(since start: UInt64) -> Double { Double(now() - start) / 1_000_000 }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func time(_ body: () async throws -> Void) async rethrows -> Double {
        let start = now()
        try await body()
        return ms(since: start)
    }
}

/// Samples of one measurement; the benchmark reports medians.
struct Samples: Codable, Sendable {
    var values: [Double] = []
    var median: Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
    mutating func add(_ value: Double) { values.append(value) }
}
