/// A validity window relative to the run's fixed `now`, in seconds.
///
/// Relative, so that a spec means the same thing in every run and two runs' caches never
/// mix; the absolute dates come from the `now` that `PKI.materialize` is given (by default
/// captured once per process), so every object of a run agrees on what "expired" means.
public struct Validity: Codable, Hashable, Sendable {
    public var notBeforeOffset: Int
    public var notAfterOffset: Int

    public init(notBeforeOffset: Int, notAfterOffset: Int) {
        self.notBeforeOffset = notBeforeOffset
        self.notAfterOffset = notAfterOffset
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
