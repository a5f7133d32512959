import Foundation

/// A validity window relative to the run's fixed `now`, in seconds, or at fixed times.
///
/// Relative, so that a spec means the same thing in every run and two runs' caches never
/// mix; the absolute dates come from the `now` that `PKI.materialize` is given (by default
/// captured once per process), so every object of a run agrees on what "expired" means.
/// A fixed bound (`fixedNotBefore`/`fixedNotAfter`, seconds since 1970) replaces the
/// relative one: what a scenario file's `not_before`/`not_after` say, e.g. a certificate
/// that expired on a known date whatever day the run happens.
public struct Validity: Codable, Hashable, Sendable {
    public var notBeforeOffset: Int
    public var notAfterOffset: Int
    public var fixedNotBefore: Int64?
    public var fixedNotAfter: Int64?

    public init(notBeforeOffset: Int, notAfterOffset: Int, fixedNotBefore: Int64? = nil, fixedNotAfter: Int64? = nil) {
        self.notBeforeOffset = notBeforeOffset
        self.notAfterOffset = notAfterOffset
        self.fixedNotBefore = fixedNotBefore
        self.fixedNotAfter = fixedNotAfter
    }

    /// The window's bounds for a run whose clock reads `now`.
    public func bounds(now: Date) -> (notBefore: Date, notAfter: Date) {
        (
            fixedNotBefore.map { Date(timeIntervalSince1970: TimeInterval($0)) }
                ?? now.addingTimeInterval(TimeInterval(notBeforeOffset)),
            fixedNotAfter.map { Date(timeIntervalSince1970: TimeInterval($0)) }
                ?? now.addingTimeInterval(TimeInterval(notAfterOffset))
        )
    }

    public static let day = 86_400

    /// Valid from an hour ago (clock skew between processes) for `days`.
    public static func current(days: Int = 365) -> Validity {
        Validity(notBeforeOffset: -3_600, notAfterOffset: days * day)
    }

    /// Ended a day ago, after a year.
    public static let expired = Validity(notBeforeOffset: -366 * day, notAfterOffset: -day)

    /// Starts in a day.
    public static let notYetValid = Validity(notBeforeOffset: day, notAfterOffset: 366 * day)
}
