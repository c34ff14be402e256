/// When earned points expire, in the program's time zone.
public struct ExpiryPolicy: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case never
        /// At the end of the `days`-th day after the day the points were earned.
        case daysAfterEarning = "days_after_earning"
        /// At the end of the month `months` months after the month they were earned in.
        case endOfMonth = "end_of_month"
        /// At the end of the year in which the day `months` months after earning falls.
        case endOfYear = "end_of_year"
    }

    public var policy: Kind
    public var days: Int?
    public var months: Int?

    public init(policy: Kind, days: Int? = nil, months: Int? = nil) {
        self.policy = policy
        self.days = days
        self.months = months
    }

    public static let never = ExpiryPolicy(policy: .never)
    public static func daysAfterEarning(_ days: Int) -> ExpiryPolicy {
        ExpiryPolicy(policy: .daysAfterEarning, days: days)
    }

    /// The instant points earned at `earnedAt` stop being spendable, or nil when they never do.
    public func expiry(ofPointsEarnedAt earnedAt: Timestamp, offset: UTCOffset) -> Timestamp? {
        switch policy {
        case .never:
            return nil
        case .daysAfterEarning:
            // Local midnight, like every other boundary: the points last through the whole last day.
            return offset.startOf(offset.date(of: earnedAt).addingDays((days ?? 0) + 1))
        case .endOfMonth:
            let later = offset.date(of: earnedAt).addingMonths(months ?? 0)
            return offset.startOf(later.startOfNextMonth)
        case .endOfYear:
            let later = offset.date(of: earnedAt).addingMonths(months ?? 0)
            return offset.startOf(CalendarDate(year: later.year + 1, month: 1, day: 1))
        }
    }

    func problems(at pointer: String) -> [FieldError] {
        switch policy {
        case .never:
            return []
        case .daysAfterEarning:
            guard let days, (1...36_500).contains(days) else {
                return [FieldError(pointer: "\(pointer)/days", detail: "must be 1 to 36500 for days_after_earning")]
            }
            return []
        case .endOfMonth, .endOfYear:
            guard let months, (0...1200).contains(months) else {
                return [FieldError(pointer: "\(pointer)/months", detail: "must be 0 to 1200 for \(policy.rawValue)")]
            }
            return []
        }
    }
}

/// What a refund does when the points it takes back were already spent.
public enum RefundPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Take back what the member still has available; forgive the rest.
    case takeAvailable = "take_available"
    /// Take it all back; the balance may go below zero and later earnings repay it first.
    case allowNegative = "allow_negative"
    /// Refuse the refund with 409 unless the member can give every point back.
    case refuse
}
