import Foundation
import Scenarios

/// What a set of cases observed on one installation, kept to compare later runs with.
///
/// The file is meant to live in git and be read in a diff: keys sorted, one object per
/// case keyed by case id, nothing that varies between runs of the same versions inside a
/// case (no time, port, path, pid, attempt count). What varies between machines or
/// versions is in `header`, which `baseline diff` prints but does not compare.
struct Baseline: Codable, Sendable, Equatable {
    /// Bumped when the case format changes, so an old file is refused instead of misread.
    static let formatVersion = 1

    struct Header: Codable, Sendable, Equatable {
        var format: Int
        var versions: VersionInfo
        /// The `--filter` the baseline was recorded with (nil: the whole matrix).
        var filter: String?
        var cases: Int
        /// Where the cases came from: "matrix", and later "scenario-files".
        var sources: [String]
        /// "K/N" for one shard's cases (`--shard`); `baseline merge` joins the N into a
        /// baseline without it, byte for byte what an unsharded record writes.
        var shard: String?
    }

    var header: Header
    var cases: [String: BaselineCase]

    /// The default file for these versions: `baselines/pg<major>-openssl<x.y>.json`.
    static func defaultPath(for versions: VersionInfo) -> String {
        "baselines/pg\(versions.major)-openssl\(versions.opensslMajorMinor).json"
    }

    init(versions: VersionInfo, filter: String?, sources: [String], results: [CaseResult]) {
        var cases: [String: BaselineCase] = [:]
        for r in results { cases[r.id] = BaselineCase(r) }
        self.cases = cases
        header = Header(
            format: Self.formatVersion, versions: versions, filter: filter, cases: cases.count, sources: sources)
    }

    /// The cases a run with `filter` would include (the matrix's filter: group id or case id contains it).
    func restricted(to filter: String?) -> [String: BaselineCase] {
        guard let filter else { return cases }
        return cases.filter { $0.key.contains(filter) || $0.value.group.contains(filter) }
    }

    static func load(_ path: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else { throw BaselineError.unreadable(path: path) }
        let baseline: Baseline
        do {
            baseline = try JSONDecoder().decode(Baseline.self, from: data)
        } catch {
            throw BaselineError.malformed(path: path, reason: "\(error)")
        }
        guard baseline.header.format == formatVersion else {
            throw BaselineError.wrongFormat(path: path, found: baseline.header.format, expected: formatVersion)
        }
        return baseline
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// One case's observed outcome, without the model's opinion: a baseline records reality,
/// so a model change never shows up as drift.
struct BaselineCase: Codable, Sendable, Hashable {
    var group: String
    /// accepted, rejected, server-did-not-start, not-attempted; "skipped"/"error" when the
    /// case did not run (then `message` says why).
    var outcome: String
    var encrypted: Bool?
    var `protocol`: String?
    var cipher: String?
    var user: String?
    var message: String?
    var serverLog: [String]

    init(
        group: String, outcome: String, encrypted: Bool? = nil, protocol: String? = nil, cipher: String? = nil,
        user: String? = nil, message: String? = nil, serverLog: [String] = []
    ) {
        self.group = group
        self.outcome = outcome
        self.encrypted = encrypted
        self.protocol = `protocol`
        self.cipher = cipher
        self.user = user
        self.message = message
        self.serverLog = serverLog
    }

    init(_ r: CaseResult) {
        if let o = r.observed {
            self.init(
                group: r.group, outcome: o.kind.rawValue, encrypted: o.encrypted, protocol: o.protocol,
                cipher: o.cipher, user: o.user, message: o.message,
                serverLog: o.serverLog)
        } else {
            self.init(group: r.group, outcome: r.verdict.rawValue, message: r.differences.first)
        }
    }

    /// "accepted (TLSv1.3 TLS_AES_256_GCM_SHA384)", "rejected", "accepted (no encryption)".
    var outcomeDescription: String {
        switch outcome {
        case "accepted": return encrypted == true ? "accepted, encrypted" : "accepted, not encrypted"
        default: return outcome
        }
    }
}

/// A baseline file that cannot be used, said so a person can fix it.
enum BaselineError: Error, CustomStringConvertible {
    case unreadable(path: String)
    case malformed(path: String, reason: String)
    case wrongFormat(path: String, found: Int, expected: Int)
    case badSetting(String)

    var description: String {
        switch self {
        case .unreadable(let path):
            return "cannot read baseline \(path): record one with `sslmatrix baseline record --output \(path)`"
        case .malformed(let path, let reason): return "baseline \(path) is not a baseline file (\(reason))"
        case .wrongFormat(let path, let found, let expected):
            return "baseline \(path) has format \(found), this sslmatrix reads format \(expected): record it again"
        case .badSetting(let text): return "--server-setting wants NAME=VALUE with a valid setting name, got '\(text)'"
        }
    }
}
