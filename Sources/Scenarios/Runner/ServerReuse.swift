import ClusterKit
import Foundation
import Synchronization

/// Which groups can share a running server, and what a run did about it.
///
/// Two groups can share a server when every parameter that differs between them takes
/// effect on a reload (`ParameterContexts`, read from the installation's own server): then
/// the files, postgresql.conf, pg_hba.conf and pg_ident.conf are rewritten and reloaded
/// instead of a new server being started. Never switched by reload:
/// - a group that expects the server not to start: a start, not a reload, is what it tests
///   (it runs on a copy of its own beside the lane's running server, or restarts a stopped one);
/// - a group with `ssl_passphrase_command` and without `ssl_passphrase_command_supports_reload`:
///   PostgreSQL ignores the command on reload and cannot load a key that needs it (the lane
///   restarts its cluster for it, see `runRestarted`).
enum ServerReuse {
    /// The identity of the server a group needs: equal keys can share a server by reload; nil
    /// means the group always gets a server started for it.
    static func key(_ group: RunnableGroup, contexts: ParameterContexts?) -> String? {
        guard let contexts, group.startExpectation == nil else { return nil }
        if case .string(let command)? = group.settings["ssl_passphrase_command"], !command.isEmpty,
            group.settings["ssl_passphrase_command_supports_reload"] != .bool(true)
        {
            return nil
        }
        let fixed = contexts.restartOnly(group.settings).sorted { $0.0 < $1.0 }
        return fixed.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
    }
}

/// How many servers a run started, how many group switches reused one, and why a switch
/// fell back to a fresh server (said, never silent).
public struct ReuseStatistics: Sendable, Codable, Equatable {
    public var freshStarts = 0
    public var switches = 0
    /// Groups run by restarting the previous group's cluster (a reload could not switch to them).
    public var restarts = 0
    /// Groups expecting a server not to start, run on a copy of their own beside the lane's
    /// running server (which stays as it was).
    public var startsBeside = 0
    public var fallbacks: [String] = []
    /// Per group: its wall time minus the time its cases were being probed (creating or
    /// switching the server, set-up, stopping it), in ms.
    public var groupOverheadMilliseconds: [Double] = []
    /// Beside each overhead: the group's id and how it ran (fresh, switched, restarted, beside).
    public var groupLabels: [String] = []
    /// Beside each overhead: where that group's overhead went (phase -> ms).
    public var groupPhases: [[String: Double]] = []
    /// Where the overhead went: phase name -> total ms over all groups (create, PKI, start,
    /// switch, set-up, stop...), so a bench can say which step to cut next.
    public var phaseMilliseconds: [String: Double] = [:]

    public init() {}

    mutating func add(_ other: ReuseStatistics) {
        freshStarts += other.freshStarts
        switches += other.switches
        restarts += other.restarts
        startsBeside += other.startsBeside
        fallbacks += other.fallbacks
        groupOverheadMilliseconds += other.groupOverheadMilliseconds
        groupLabels += other.groupLabels
        groupPhases += other.groupPhases
        phaseMilliseconds.merge(other.phaseMilliseconds, uniquingKeysWith: +)
    }

    public var summary: String {
        var text = "servers: \(freshStarts) started, \(switches) group switches by reload"
        if restarts > 0 { text += ", \(restarts) by restart" }
        if startsBeside > 0 { text += ", \(startsBeside) expected start failures beside a running server" }
        if !fallbacks.isEmpty { text += ", \(fallbacks.count) failed switches (fresh server instead)" }
        return text
    }
}

/// The groups not yet run. A lane asks for the next group, preferring one its server can
/// switch to, and among those one that needs the same roles, extensions and databases as the
/// group it just ran (then the switch keeps them instead of dropping and re-creating them);
/// otherwise it gets the largest group left (largest first keeps the lanes' finishing times
/// close).
actor GroupQueue {
    private var remaining: [Int]
    private let keys: [String?]
    /// Each group's set-up statements (`ServerReset.statements`), the ones a reset compares.
    private let setups: [[String]?]

    init(groups: [RunnableGroup], keys: [String?], major: Int) {
        self.keys = keys
        setups = groups.map { try? ServerReset.statements($0, major: major) }
        remaining = groups.indices.sorted { groups[$0].cases.count > groups[$1].cases.count }
    }

    /// The next group for a lane whose server has `key` and last ran group `previous`.
    func next(preferring key: String?, after previous: Int? = nil) -> Int? {
        if let key {
            if let previous, let setup = setups[previous],
                let i = remaining.firstIndex(where: { keys[$0] == key && setups[$0] == setup })
            {
                return remaining.remove(at: i)
            }
            if let i = remaining.firstIndex(where: { keys[$0] == key }) { return remaining.remove(at: i) }
        }
        return remaining.isEmpty ? nil : remaining.removeFirst()
    }
}

/// Splits a group's wall time into probing and everything else (the per-group overhead).
final class GroupClock: Sendable {
    @TaskLocal static var current: GroupClock?
    private let probingTime = Mutex<Duration>(.zero)
    private let phaseTimes = Mutex<[String: Duration]>([:])

    /// Runs `body` (one step of a group's set-up or tear-down), adding its duration to the
    /// current clock under `name`.
    static func phase<T>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
        guard let clock = current else { return try await body() }
        let start = ContinuousClock.now
        defer { clock.add(name, ContinuousClock.now - start) }
        return try await body()
    }

    /// The synchronous form of `phase`.
    static func phase<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        guard let clock = current else { return try body() }
        let start = ContinuousClock.now
        defer { clock.add(name, ContinuousClock.now - start) }
        return try body()
    }

    func add(_ name: String, _ elapsed: Duration) {
        phaseTimes.withLock { $0[name, default: .zero] += elapsed }
    }

    /// Books `elapsed`, measured inside phase `from`, under `to` instead (a step of a phase).
    func move(_ elapsed: Duration, from: String, to: String) {
        phaseTimes.withLock {
            $0[from, default: .zero] -= elapsed
            $0[to, default: .zero] += elapsed
        }
    }

    /// The phases measured so far, in ms.
    var phases: [String: Double] {
        phaseTimes.withLock { $0.mapValues(GroupClock.milliseconds) }
    }

    /// Runs `body` (the probes of one group), adding its duration to the current clock.
    static func probing<T: Sendable>(_ body: () async -> T) async -> T {
        let start = ContinuousClock.now
        let value = await body()
        let elapsed = ContinuousClock.now - start
        current?.probingTime.withLock { $0 += elapsed }
        return value
    }

    func overhead(since start: ContinuousClock.Instant) -> Double {
        GroupClock.milliseconds(ContinuousClock.now - start - probingTime.withLock { $0 })
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
