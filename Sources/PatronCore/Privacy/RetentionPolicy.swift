/// How long detailed and personal data is kept (PIPL Art. 19, GDPR Art. 5(1)(e)), part of the program.
/// Each period counts from when the data came about, in whole local days of the program's time zone; 0 keeps
/// that kind of data for ever.
public struct RetentionPolicy: Sendable, Hashable, Codable {
    /// Events are deleted this many months after they happened.
    public var eventMonths: Int
    /// Members with no activity of their own for this many years are anonymised: erased without a request.
    public var inactiveMemberYears: Int
    /// Order lines are summed into monthly product totals this many years after the order.
    public var orderLineYears: Int
    /// Feedback's text and contact are removed this many years after it was given; ratings and scores stay.
    public var feedbackTextYears: Int

    public init(eventMonths: Int, inactiveMemberYears: Int, orderLineYears: Int, feedbackTextYears: Int) {
        self.eventMonths = eventMonths
        self.inactiveMemberYears = inactiveMemberYears
        self.orderLineYears = orderLineYears
        self.feedbackTextYears = feedbackTextYears
    }

    /// Thirteen months of events (a year, compared with the same month a year before), members anonymised after
    /// three years without activity, order lines summed after five years, feedback's words kept three years.
    public static let standard = RetentionPolicy(
        eventMonths: 13, inactiveMemberYears: 3, orderLineYears: 5, feedbackTextYears: 3)

    public enum Kind: Sendable, Hashable, CaseIterable {
        case events, inactiveMembers, orderLines, feedbackText
    }

    /// Data of `kind` from before this instant is no longer kept as of `instant`; nil when it is kept for ever.
    public func cutoff(_ kind: Kind, asOf instant: Timestamp, offset: UTCOffset) -> Timestamp? {
        let months =
            switch kind {
            case .events: eventMonths
            case .inactiveMembers: inactiveMemberYears * 12
            case .orderLines: orderLineYears * 12
            case .feedbackText: feedbackTextYears * 12
            }
        guard months > 0 else { return nil }
        return offset.startOf(offset.date(of: instant).addingMonths(-months))
    }

    /// The shortest period is a year, so every cutoff for order lines lies at least 365 days before its run:
    /// writing an order younger than that never concerns the retention job.
    public static let orderLinesKeptAtLeast: Int64 = 365 * 86_400_000

    func problems(at pointer: String) -> [FieldError] {
        var problems: [FieldError] = []
        if !(0...120).contains(eventMonths) {
            problems.append(FieldError(pointer: "\(pointer)/event_months", detail: "must be 0 (for ever) to 120"))
        }
        if !(0...50).contains(inactiveMemberYears) {
            problems.append(
                FieldError(pointer: "\(pointer)/inactive_member_years", detail: "must be 0 (for ever) to 50"))
        }
        if !(0...50).contains(orderLineYears) {
            problems.append(FieldError(pointer: "\(pointer)/order_line_years", detail: "must be 0 (for ever) to 50"))
        }
        if !(0...50).contains(feedbackTextYears) {
            problems.append(
                FieldError(pointer: "\(pointer)/feedback_text_years", detail: "must be 0 (for ever) to 50"))
        }
        return problems
    }

    enum CodingKeys: String, CodingKey {
        case eventMonths = "event_months"
        case inactiveMemberYears = "inactive_member_years"
        case orderLineYears = "order_line_years"
        case feedbackTextYears = "feedback_text_years"
    }
}
