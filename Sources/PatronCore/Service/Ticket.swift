/// Where a ticket stands.
public enum TicketState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting on the team.
    case open
    /// Waiting on the customer: the clock stops.
    case pending
    case resolved
    /// Done for good; a later message starts a new ticket.
    case closed

    /// Whether an agent may move a ticket from this state to `next`.
    public func mayMove(to next: TicketState) -> Bool {
        switch (self, next) {
        case (.open, .pending), (.open, .resolved), (.pending, .open), (.pending, .resolved), (.resolved, .open),
            (.resolved, .closed):
            true
        default: false
        }
    }

    /// Whether the team's clock runs: only while the ticket waits on the team.
    public var clockRuns: Bool { self == .open }
}

/// When feedback becomes a ticket and how urgent that ticket is.
public enum TicketRules {
    /// Feedback needs an answer from a person when it is high or urgent — 1–2 stars, a detractor's score, an
    /// urgent topic in its words — and, from a member on the program's top tier, when it is anything but praise.
    public static func opensTicket(_ assessment: FeedbackAssessment, memberTier: String?, tiers: TierProgram) -> Bool {
        assessment.severity >= (isTop(memberTier, tiers) ? .normal : .high)
    }

    /// The ticket's priority follows the feedback's severity; a member on the program's top tier is never below
    /// high (a 钻石 member's complaint is never "low").
    public static func priority(
        for severity: FeedbackSeverity, memberTier: String?, tiers: TierProgram
    )
        -> TicketPriority
    {
        let priority: TicketPriority =
            switch severity {
            case .urgent: .urgent
            case .high: .high
            case .normal: .normal
            case .low: .low
            }
        return isTop(memberTier, tiers) ? max(priority, .high) : priority
    }

    /// Whether `tier` is the highest of a program with more than one.
    static func isTop(_ tier: String?, _ tiers: TierProgram) -> Bool {
        guard let tier, tiers.levels.count > 1 else { return false }
        return tier == tiers.levels.last?.tierID
    }
}
