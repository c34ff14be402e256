import PatronCore
import SQLKit

/// The points one rule gave to an order or activity, as stored.
public struct AwardRecord: Sendable, Hashable, Codable {
    public var ruleID: String
    public var points: Int64
    public var reason: String
    public var pending: Bool
    /// When the points stop being spendable, nil when never.
    public var expiresAt: Timestamp?
    /// True when the points had expired before they were recorded: a back-dated order or activity earns
    /// them, and the next expiry run takes them back.
    public var expired: Bool

    enum CodingKeys: String, CodingKey {
        case ruleID = "rule_id"
        case points, reason, pending, expired
        case expiresAt = "expires_at"
    }
}

extension Store {
    /// Evaluates the program's rules for an order just inserted and writes the award, the qualifying spend
    /// and any tier upgrade, inside the order's transaction.
    func applyLoyalty(to order: Order, at now: Int64, in database: any SQLDatabase) async throws {
        let (_, program) = try await programs.current(in: database)
        try program.refuseForeignCurrency(order.currency)
        let memberID = order.memberID
        // Locked first: the member's simultaneous orders then see each other's spend for tier upgrades.
        var balance = try await ledger.lockBalance(memberID: memberID, memberIsKnown: true, at: now, in: database)
        let today = program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: now))
        let tierRepository = TierRepository()
        let standing = try await tierRepository.ensureStanding(
            memberID: memberID, on: today, tiers: program.tiers, at: now, in: database)
        let rules = program.rules.filter { $0.isActive(at: order.occurredAt) }
        let context = EarningContext(
            lines: order.lines, orderDiscountMinor: order.discountMinor, channel: order.channel,
            storeID: order.storeID, occurredAt: order.occurredAt,
            isFirstOrder: rules.contains { $0.kind == .firstOrderBonus }
                ? try await isFirstOrder(order, in: database) : false,
            isBirthdayMonth: try await isBirthdayMonth(memberID, at: order.occurredAt, program: program, in: database),
            tier: program.tiers.level(standing.tierID) ?? program.tiers.lowest,
            usage: try await usage(of: program, memberID: memberID, at: order.occurredAt, in: database))
        let award = EarningEngine.evaluate(context, program: program)

        let net = context.netLineAmounts
        var insert = database.insert(into: "order_line_points")
            .columns("order_id", "line_number", "quantity", "net_minor", "points", "refunded_quantity")
        for index in order.lines.indices {
            let points = award.components.reduce(0) { $0 + $1.pointsByLine[index] }
            insert = insert.values(
                SQLBind(order.orderID), SQLBind(Int64(index + 1)), SQLBind(order.lines[index].quantity),
                SQLBind(net[index]), SQLBind(points), SQLBind(Int64(0)))
        }
        try await insert.run()
        if award.points > 0 {
            try await writeAward(
                award, memberID: memberID, source: "order", sourceID: order.orderID, earnedAt: order.occurredAt,
                program: program, balance: &balance, at: now, in: database)
            try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
        }
        try await tierRepository.addActivity(
            memberID: memberID, occurredAt: order.occurredAt.millisecondsSinceEpoch, spendMinor: net.reduce(0, +),
            points: award.points, source: "order", sourceID: order.orderID, in: database)
        if standing.tierID != program.tiers.levels.last?.tierID {
            try await tierRepository.upgradeIfQualified(
                memberID: memberID, standing: standing, on: today, program: program, at: now, in: database)
        }
        try await noteReferralOrder(order, program: program, in: database)
    }

    /// Awards the activity rules matching a `track` event, inside the event's transaction.
    func applyLoyalty(
        toActivity event: String, messageID: String, memberID: String, occurredAt: Timestamp, at now: Int64,
        in database: any SQLDatabase
    ) async throws {
        let (_, program) = try await programs.current(in: database)
        guard program.rules.contains(where: { $0.kind == .activity && $0.event == event }) else { return }
        // The ledger outlives events the retention policy deleted: a message sent again after that earns nothing.
        let awarded = try await database.raw(
            "SELECT lot_id FROM point_lots WHERE source = 'activity' AND source_id = \(bind: messageID) LIMIT 1"
        ).first()
        guard awarded == nil else { return }
        var balance = try await ledger.lockBalance(memberID: memberID, at: now, in: database)
        let award = EarningEngine.evaluateActivity(
            event: event, occurredAt: occurredAt,
            usage: try await usage(of: program, memberID: memberID, at: occurredAt, in: database), program: program)
        guard award.points > 0 else { return }
        try await writeAward(
            award, memberID: memberID, source: "activity", sourceID: messageID, earnedAt: occurredAt,
            program: program, balance: &balance, at: now, in: database)
        let tierRepository = TierRepository()
        try await tierRepository.addActivity(
            memberID: memberID, occurredAt: occurredAt.millisecondsSinceEpoch, spendMinor: 0, points: award.points,
            source: "activity", sourceID: messageID, in: database)
        if program.tiers.basis == .pointsEarned {
            let today = program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: now))
            let standing = try await tierRepository.ensureStanding(
                memberID: memberID, on: today, tiers: program.tiers, at: now, in: database)
            try await tierRepository.upgradeIfQualified(
                memberID: memberID, standing: standing, on: today, program: program, at: now, in: database)
        }
        try await ledger.saveBalance(balance, memberID: memberID, at: now, in: database)
    }

    /// What an order would earn, written nowhere; with `draft`, under the program as it would be with that rule
    /// put in. A known member's tier, first order, birthday and caps count; anyone else is treated as a new member
    /// on the lowest tier.
    public func simulate(
        _ submission: OrderSubmission, at now: Int64, draft: EarningRule? = nil
    ) async throws -> (award: Award, tier: String) {
        let store = self
        return try await database.read { database in
            var (_, program) = try await store.programs.current(in: database)
            if let draft { program.put(draft) }
            try program.refuseForeignCurrency(submission.currency.code)
            var memberID: String?
            switch submission.customer {
            case .memberID(let id):
                // As for an order: a member id must name a member.
                guard let member = try await store.members.find(id: id, in: database) else {
                    throw OrderError.memberNotFound(memberID: id)
                }
                memberID = member.id
            case .profile(let profile):
                if let externalID = profile.externalID {
                    memberID = try await store.members.find(externalID: externalID, in: database)?.id
                } else if let email = profile.email {
                    memberID = try await store.members.find(.email, value: email.value, in: database)?.id
                } else if let phone = profile.phone {
                    memberID = try await store.members.find(.phone, value: phone.e164, in: database)?.id
                }
            }
            var tier = program.tiers.lowest
            var isFirstOrder = true
            var isBirthdayMonth = false
            var usage: [String: RuleUsage] = [:]
            if let memberID {
                if let standing = try await TierRepository().standing(memberID: memberID, in: database) {
                    tier = program.tiers.level(standing.tierID) ?? tier
                }
                isFirstOrder =
                    try await database.raw("SELECT order_id FROM orders WHERE member_id = \(bind: memberID) LIMIT 1")
                    .first() == nil
                isBirthdayMonth = try await store.isBirthdayMonth(
                    memberID, at: submission.occurredAt, program: program, in: database)
                usage = try await store.usage(of: program, memberID: memberID, at: submission.occurredAt, in: database)
            }
            let context = EarningContext(
                lines: submission.lines, orderDiscountMinor: submission.discountMinor,
                channel: submission.channel.rawValue, storeID: submission.storeID, occurredAt: submission.occurredAt,
                isFirstOrder: isFirstOrder, isBirthdayMonth: isBirthdayMonth, tier: tier, usage: usage)
            return (EarningEngine.evaluate(context, program: program), tier.tierID)
        }
    }

    /// One lot per pending period, with the rules behind it.
    private func writeAward(
        _ award: Award, memberID: String, source: String, sourceID: String, earnedAt: Timestamp,
        program: LoyaltyProgram, balance: inout PointBalance, at now: Int64, in database: any SQLDatabase
    ) async throws {
        let day = program.utcOffset.date(of: earnedAt)
        let byPendingDays = Dictionary(grouping: award.components, by: \.pendingDays)
        for pendingDays in byPendingDays.keys.sorted() {
            let components = byPendingDays[pendingDays] ?? []
            let points = components.reduce(0) { $0 + $1.points }
            guard points > 0 else { continue }
            let availableAt = earnedAt.millisecondsSinceEpoch + Int64(pendingDays) * 86_400_000
            let lotID = try await ledger.addLot(
                memberID: memberID, points: points, source: source, sourceID: sourceID, kind: .earn,
                reason: components.map { "\($0.ruleID): \($0.reason)" }.joined(separator: "; "), actor: nil,
                earnedAt: earnedAt.millisecondsSinceEpoch, availableAt: availableAt,
                expiresAt: program.expiry.expiry(ofPointsEarnedAt: earnedAt, offset: program.utcOffset)?
                    .millisecondsSinceEpoch,
                balance: &balance, at: now, in: database)
            // One statement for all the rules that contributed.
            var insertAwards = database.insert(into: "point_awards").columns(
                "lot_id", "rule_id", "member_id", "points", "reason", "local_day", "local_month")
            for component in components {
                insertAwards = insertAwards.values(
                    SQLBind(lotID), SQLBind(component.ruleID), SQLBind(memberID), SQLBind(component.points),
                    SQLBind(component.reason), SQLBind(day.daysSinceEpoch), SQLBind(day.year * 12 + day.month - 1))
            }
            try await insertAwards.run()
            for component in components
            where program.rules.first(where: { $0.ruleID == component.ruleID })?.caps?.total != nil {
                try await database.raw(
                    """
                    INSERT INTO rule_totals (rule_id, points) VALUES (\(bind: component.ruleID), \(bind: component.points))
                    ON CONFLICT (rule_id) DO UPDATE SET points = rule_totals.points + EXCLUDED.points
                    """
                ).run()
            }
        }
    }

    private func isFirstOrder(_ order: Order, in database: any SQLDatabase) async throws -> Bool {
        let count =
            try await database.raw(
                "SELECT COUNT(*) AS count FROM orders WHERE member_id = \(bind: order.memberID)"
            ).first()?.decode(column: "count", as: Int64.self) ?? 0
        return count == 1
    }

    func isBirthdayMonth(
        _ memberID: String, at instant: Timestamp, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> Bool {
        guard program.rules.contains(where: { $0.kind == .birthdayMonthMultiplier }),
            let birthday = try await members.find(id: memberID, in: database)?.birthday
        else { return false }
        return birthday.month == program.utcOffset.date(of: instant).month
    }

    /// What the member already received from each capped rule on the day and in the month of `instant`.
    func usage(
        of program: LoyaltyProgram, memberID: String, at instant: Timestamp, in database: any SQLDatabase
    ) async throws -> [String: RuleUsage] {
        let day = program.utcOffset.date(of: instant)
        let monthStart = CalendarDate(year: day.year, month: day.month, day: 1)
        var usage: [String: RuleUsage] = [:]
        for rule in program.rules where rule.caps != nil {
            let row = try await database.raw(
                """
                SELECT CAST(COALESCE(SUM(CASE WHEN local_day = \(bind: day.daysSinceEpoch) THEN points ELSE 0 END), 0)
                            AS BIGINT) AS today,
                       CAST(COALESCE(SUM(points), 0) AS BIGINT) AS month
                FROM point_awards
                WHERE member_id = \(bind: memberID) AND rule_id = \(bind: rule.ruleID)
                  AND local_day >= \(bind: monthStart.daysSinceEpoch)
                  AND local_day < \(bind: monthStart.startOfNextMonth.daysSinceEpoch)
                """
            ).first()
            let total =
                rule.caps?.total == nil
                ? 0
                : try await database.raw("SELECT points FROM rule_totals WHERE rule_id = \(bind: rule.ruleID)")
                    .first()?.decode(column: "points", as: Int64.self) ?? 0
            usage[rule.ruleID] = RuleUsage(
                memberToday: try row?.decode(column: "today", as: Int64.self) ?? 0,
                memberThisMonth: try row?.decode(column: "month", as: Int64.self) ?? 0, total: total)
        }
        return usage
    }

    /// The awards an order or activity received, for its answer.
    public func awards(source: String, sourceID: String) async throws -> [AwardRecord] {
        try await database.read { try await Self.awards(source: source, sourceID: sourceID, in: $0) }
    }

    static func awards(source: String, sourceID: String, in database: any SQLDatabase) async throws -> [AwardRecord] {
        try await database.raw(
            """
            SELECT a.rule_id, a.points, a.reason, l.available_at, l.expires_at, l.created_at FROM point_awards a
            JOIN point_lots l ON l.lot_id = a.lot_id
            WHERE l.source = \(bind: source) AND l.source_id = \(bind: sourceID)
            ORDER BY l.available_at, a.rule_id
            """
        ).all().map { row in
            let recordedAt = try row.decode(column: "created_at", as: Int64.self)
            let expiresAt = try row.decode(column: "expires_at", as: Int64?.self)
            return AwardRecord(
                ruleID: try row.decode(column: "rule_id", as: String.self),
                points: try row.decode(column: "points", as: Int64.self),
                reason: try row.decode(column: "reason", as: String.self),
                pending: try row.decode(column: "available_at", as: Int64.self) > recordedAt,
                expiresAt: expiresAt.map(Timestamp.init(millisecondsSinceEpoch:)),
                expired: expiresAt.map { $0 <= recordedAt } ?? false)
        }
    }
}
