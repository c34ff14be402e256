/// How urgent a ticket is; feedback's severity and the customer's standing decide it when it opens.
public enum TicketPriority: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low, normal, high, urgent

    public static func < (lhs: TicketPriority, rhs: TicketPriority) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// One step more urgent (urgent stays urgent): what a missed target does.
    public var raised: TicketPriority {
        let index = Self.allCases.firstIndex(of: self)!
        return Self.allCases[min(index + 1, Self.allCases.count - 1)]
    }
}

/// Response and resolution targets per priority, in working minutes of the team's calendar.
public struct ServiceLevels: Sendable, Hashable {
    public struct Targets: Sendable, Hashable {
        /// From opening to the first reply by a person.
        public var firstResponseMinutes: Int
        /// From a customer's message to the next reply by a person.
        public var nextResponseMinutes: Int
        /// From opening to resolution, time pending on the customer not counted.
        public var resolutionMinutes: Int

        public init(firstResponseMinutes: Int, nextResponseMinutes: Int, resolutionMinutes: Int) {
            self.firstResponseMinutes = firstResponseMinutes
            self.nextResponseMinutes = nextResponseMinutes
            self.resolutionMinutes = resolutionMinutes
        }
    }

    public var targets: [TicketPriority: Targets]
    /// A warning fires when this share of a target has passed.
    public var warningShare: Double

    public init(targets: [TicketPriority: Targets], warningShare: Double = 0.8) {
        self.targets = targets
        self.warningShare = warningShare
    }

    /// Urgent answered within 2 hours and normal within 24, the response standard service teams hold to; high and
    /// low between and after them; resolution allowed three times the first response (a day for urgent).
    public static let standard = ServiceLevels(targets: [
        .urgent: Targets(firstResponseMinutes: 120, nextResponseMinutes: 120, resolutionMinutes: 1_440),
        .high: Targets(firstResponseMinutes: 480, nextResponseMinutes: 480, resolutionMinutes: 2_880),
        .normal: Targets(firstResponseMinutes: 1_440, nextResponseMinutes: 1_440, resolutionMinutes: 4_320),
        .low: Targets(firstResponseMinutes: 2_880, nextResponseMinutes: 2_880, resolutionMinutes: 10_080),
    ])

    public func targets(for priority: TicketPriority) -> Targets {
        targets[priority] ?? Self.standard.targets[priority]!
    }
}

/// The kinds of deadline a ticket runs against.
public enum DeadlineKind: String, Sendable, Hashable, Codable, CaseIterable {
    case firstResponse = "first_response"
    case nextResponse = "next_response"
    case resolution

    public func minutes(in targets: ServiceLevels.Targets) -> Int {
        switch self {
        case .firstResponse: targets.firstResponseMinutes
        case .nextResponse: targets.nextResponseMinutes
        case .resolution: targets.resolutionMinutes
        }
    }
}

/// When a deadline warns and when it is missed, counted in working time from `start` (plus what already ran
/// before a pause), or nil when the calendar never works.
public struct DeadlineTimes: Sendable, Hashable {
    public var warnAt: Timestamp
    public var dueAt: Timestamp

    public init(warnAt: Timestamp, dueAt: Timestamp) {
        self.warnAt = warnAt
        self.dueAt = dueAt
    }

    /// The times of a target of `minutes` of working time from `start`, `elapsed` of it already spent.
    public static func of(
        minutes: Int, from start: Timestamp, elapsed: Int64 = 0, warningShare: Double, calendar: BusinessCalendar
    ) -> DeadlineTimes? {
        let total = Int64(minutes) * 60_000
        let warning = Int64((Double(total) * warningShare).rounded())
        guard let dueAt = calendar.adding(max(0, total - elapsed), to: start),
            let warnAt = calendar.adding(max(0, warning - elapsed), to: start)
        else { return nil }
        return DeadlineTimes(warnAt: warnAt, dueAt: dueAt)
    }
}
