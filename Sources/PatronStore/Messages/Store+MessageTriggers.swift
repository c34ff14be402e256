import Foundation
import PatronAnalytics
import PatronCore
import SQLKit

extension Store {
    /// How far back a trigger looks for occurrences whose moment has come: a job that did not run for a while
    /// catches up on two days, and a trigger added today does not write to everyone who ever joined.
    static let triggerLookbackMilliseconds: Int64 = 2 * 86_400_000

    /// Queues the messages the program's triggers call for now: one per occurrence whose moment fell in the
    /// last two days, named `trigger:{id}:{occurrence}` so that running again (or on another node) adds nothing.
    /// Answers how many each trigger queued; a trigger whose template or segment is gone queues nothing.
    /// Triggers that read every customer (``MessageTrigger/Kind/isDaily``) run only when `daily`.
    @discardableResult
    public func runMessageTriggers(
        program: LoyaltyProgram, at instant: Timestamp, daily: Bool = true
    ) async throws -> [String: Int] {
        var queued: [String: Int] = [:]
        for trigger in program.messaging.triggers where daily || !trigger.kind.isDaily {
            guard let template = try? await template(id: trigger.templateID) else {
                queued[trigger.triggerID] = 0
                continue
            }
            var occurrences: [Occurrence]
            switch trigger.kind {
            case .predictiveWinBack:
                occurrences = try await winBackOccurrences(of: trigger, program: program, at: instant)
            case .birthday, .anniversary:
                occurrences = try await yearlyOccurrences(of: trigger, offset: program.utcOffset, at: instant)
            default: occurrences = try await recentOccurrences(of: trigger, tiers: program.tiers, at: instant)
            }
            if let segmentID = trigger.segmentID, !occurrences.isEmpty {
                guard let segment = try? await segment(id: segmentID) else {
                    queued[trigger.triggerID] = 0
                    continue
                }
                let members = Set(try await segmentMembers(segment.definition.rule, at: instant).memberIDs)
                occurrences.removeAll { !members.contains($0.memberID) }
            }
            let channels = trigger.channels.isEmpty ? template.template.channels : trigger.channels
            let requests = occurrences.map { occurrence in
                MessageRequest(
                    naturalKey: "trigger:\(trigger.triggerID):\(occurrence.key)", memberID: occurrence.memberID,
                    templateID: template.templateID, channels: channels, source: "trigger:\(trigger.triggerID)",
                    refs: occurrence.refs, dueAt: instant)
            }
            if let reward = trigger.reward {
                queued[trigger.triggerID] = try await queueWithReward(
                    requests, reward: reward, trigger: trigger, template: template, at: instant)
                continue
            }
            var count = 0
            for chunk in stride(from: 0, to: requests.count, by: 500) {
                let part = Array(requests[chunk..<min(chunk + 500, requests.count)])
                count += try await database.write { database in
                    try await Self.insertMessages(
                        part, template: template, at: instant.millisecondsSinceEpoch, in: database)
                }
            }
            queued[trigger.triggerID] = count
        }
        if queued.values.contains(where: { $0 > 0 }) { messageAlarm.ring() }
        return queued
    }

    /// Each message with its reward, in one transaction per occurrence: the grant is recorded once per
    /// occurrence (`trigger:{id}:{occurrence}`), and a coupon it issues goes into the message. A reward that
    /// cannot be issued (out of stock, the member's limit) is left out; the points and the message still go.
    private func queueWithReward(
        _ requests: [MessageRequest], reward: GrantedReward, trigger: MessageTrigger, template: SavedTemplate,
        at instant: Timestamp
    ) async throws -> Int {
        let now = instant.millisecondsSinceEpoch
        var count = 0
        for request in requests {
            count += try await database.write { database in
                try await self.lockBalances(of: [request.memberID], at: now, in: database)
                let outcome = try await self.grant(
                    reward, to: request.memberID, source: .trigger, campaignID: request.naturalKey,
                    reason: "trigger \(trigger.triggerID)", rewardIsOptional: true, at: now, in: database)
                var request = request
                request.refs.couponCode = outcome.redemption?.couponCode ?? request.refs.couponCode
                return try await Self.insertMessages([request], template: template, at: now, in: database)
            }
        }
        return count
    }

    fileprivate struct Occurrence {
        var memberID: String
        var key: String
        var refs = MessageRefs()
    }

    /// The occurrences whose moment — the event plus the trigger's days (minus, for expiring points) — lies in
    /// the lookback window; erased members have none.
    private func recentOccurrences(
        of trigger: MessageTrigger, tiers: TierProgram, at instant: Timestamp
    ) async throws -> [Occurrence] {
        let now = instant.millisecondsSinceEpoch
        let offset = Int64(trigger.days) * 86_400_000
        // The event's own time range: its moment (event + offset) falls in (now − lookback, now].
        let (from, to) = (now - Self.triggerLookbackMilliseconds - offset, now - offset)
        let live: SQLQueryString = "member_id IN (SELECT id FROM members WHERE erased_at IS NULL)"
        return try await database.read { database in
            func rows(_ query: SQLQueryString) async throws -> [any SQLRow] { try await database.raw(query).all() }
            func text(_ row: any SQLRow, _ column: String) throws -> String {
                try row.decode(column: column, as: String.self)
            }
            switch trigger.kind {
            case .welcome:
                return try await rows(
                    """
                    SELECT id FROM members
                    WHERE erased_at IS NULL AND joined_at > \(bind: from) AND joined_at <= \(bind: to)
                    """
                ).map {
                    let id = try text($0, "id"); return Occurrence(memberID: id, key: id)
                }
            case .pointsExpiring:
                // Expiring `days` from now: the moment is the expiry minus the days, and the lot is not gone yet.
                return try await rows(
                    """
                    SELECT member_id, lot_id FROM point_lots
                    WHERE status = 'active' AND remaining > 0 AND expires_at > \(bind: now)
                      AND expires_at > \(bind: now - Self.triggerLookbackMilliseconds + offset)
                      AND expires_at <= \(bind: now + offset) AND \(live)
                    """
                ).map { Occurrence(memberID: try text($0, "member_id"), key: try text($0, "lot_id")) }
            case .tierUpgraded, .tierDowngraded:
                return try await rows(
                    """
                    SELECT change_id, member_id, from_tier, to_tier FROM tier_changes
                    WHERE changed_at > \(bind: from) AND changed_at <= \(bind: to) AND \(live)
                    """
                ).compactMap { row in
                    let to = tiers.index(of: try text(row, "to_tier")) ?? 0
                    let from = try row.decode(column: "from_tier", as: String?.self).flatMap(tiers.index(of:)) ?? 0
                    guard trigger.kind == .tierUpgraded ? to > from : to < from else { return nil }
                    return Occurrence(
                        memberID: try text(row, "member_id"),
                        key: String(try row.decode(column: "change_id", as: Int64.self)))
                }
            case .postPurchase:
                return try await rows(
                    """
                    SELECT member_id, order_id FROM orders
                    WHERE occurred_at > \(bind: from) AND occurred_at <= \(bind: to) AND \(live)
                    """
                ).map { row in
                    let order = try text(row, "order_id")
                    return Occurrence(
                        memberID: try text(row, "member_id"), key: order, refs: MessageRefs(orderID: order))
                }
            case .couponExpiring:
                return try await rows(
                    """
                    SELECT member_id, coupon_code FROM redemptions
                    WHERE status = 'issued' AND coupon_code IS NOT NULL AND expires_at > \(bind: now)
                      AND expires_at > \(bind: now - Self.triggerLookbackMilliseconds + offset)
                      AND expires_at <= \(bind: now + offset) AND \(live)
                    """
                ).map { row in
                    let code = try text(row, "coupon_code")
                    return Occurrence(
                        memberID: try text(row, "member_id"), key: code, refs: MessageRefs(couponCode: code))
                }
            case .feedbackResolved:
                // Once per resolution: a ticket reopened and resolved again closes the loop again.
                return try await rows(
                    """
                    SELECT ticket_id, member_id, resolved_at FROM tickets
                    WHERE member_id IS NOT NULL AND resolved_at > \(bind: from) AND resolved_at <= \(bind: to)
                      AND \(live)
                    """
                ).map { row in
                    let ticket = try text(row, "ticket_id")
                    let resolved = try row.decode(column: "resolved_at", as: Int64.self)
                    return Occurrence(
                        memberID: try text(row, "member_id"), key: "\(ticket):\(resolved)",
                        refs: MessageRefs(ticketID: ticket))
                }
            case .predictiveWinBack, .birthday, .anniversary:
                return []
            case .inactivity:
                // The last order, once it is `days` old: nothing the member bought since.
                return try await rows(
                    """
                    SELECT o.member_id, o.order_id FROM orders o
                    WHERE o.occurred_at > \(bind: from) AND o.occurred_at <= \(bind: to) AND o.\(live)
                      AND NOT EXISTS (SELECT 1 FROM orders n WHERE n.member_id = o.member_id AND n.occurred_at > o.occurred_at)
                    """
                ).map { row in
                    let order = try text(row, "order_id")
                    return Occurrence(
                        memberID: try text(row, "member_id"), key: order, refs: MessageRefs(orderID: order))
                }
            }
        }
    }
}

extension Store {
    /// The customers the newest BG/NBD + Gamma-Gamma fit says are slipping away while worth keeping: P(alive)
    /// below the trigger's threshold and a lifetime value in its top percent of all customers (a share, not an
    /// amount, so it means the same in any shop and currency). Once per last order; none without a fit.
    fileprivate func winBackOccurrences(
        of trigger: MessageTrigger, program: LoyaltyProgram, at instant: Timestamp
    ) async throws -> [Occurrence] {
        guard let fit = try await latestModelFit() else { return [] }
        let day = program.utcOffset.date(of: instant)
        let (totals, _) = try await memberPurchaseTotals(through: day, firstDaySpend: true)
        guard !totals.isEmpty else { return [] }
        let predictions = CustomerLifetimeValue.predictions(
            for: totals.map { $0.summary(referenceDay: day.daysSinceEpoch, unit: fit.unit) },
            purchaseModel: fit.purchases, spendModel: fit.spend,
            settings: PredictionSettings().lifetimeValueSettings(unit: fit.unit))
        let values = predictions.map(\.lifetimeValue).sorted()
        let top = (trigger.valueTopPercent ?? MessageTrigger.standardValueTopPercent) / 100
        let floor = values[min(values.count - 1, Int((Double(values.count) * (1 - top)).rounded(.down)))]
        let below = trigger.probabilityAliveBelow ?? MessageTrigger.standardProbabilityAliveBelow
        let erased = try await database.read { database in
            Set(
                try await database.raw("SELECT id FROM members WHERE erased_at IS NOT NULL").all().map {
                    try $0.decode(column: "id", as: String.self)
                })
        }
        return zip(totals, predictions).compactMap { member, prediction in
            guard prediction.probabilityAlive < below, prediction.lifetimeValue >= floor,
                prediction.lifetimeValue > 0, !erased.contains(member.memberID)
            else { return nil }
            return Occurrence(memberID: member.memberID, key: "\(member.memberID):\(member.lastDay)")
        }
    }
}

extension Store {
    /// Birthdays and anniversaries of joining whose moment — `days` before a birthday, `days` after an
    /// anniversary — is today or yesterday in the program's time zone (a day missed is caught up); once a year.
    /// Birthdays are sealed, so every member's is opened: this runs once a day.
    fileprivate func yearlyOccurrences(
        of trigger: MessageTrigger, offset: UTCOffset, at instant: Timestamp
    ) async throws -> [Occurrence] {
        let today = offset.date(of: instant)
        let window: Set<PatronCore.CalendarDate> = [today, today.addingDays(-1)]
        let members = self.members
        let dates: [(String, PatronCore.CalendarDate)] = try await database.read { database in
            if trigger.kind == .birthday {
                return try await database.raw(
                    """
                    SELECT m.id, m.birthday_ciphertext, k.wrapped_key FROM members m
                    LEFT JOIN member_keys k ON k.member_id = m.id
                    WHERE m.erased_at IS NULL AND m.status = 'active' AND m.birthday_ciphertext IS NOT NULL
                    """
                ).all().compactMap { row in
                    let opener = try members.opener(wrapped: try row.decode(column: "wrapped_key", as: String?.self))
                    let sealed = try row.decode(column: "birthday_ciphertext", as: String.self)
                    guard let birthday = PatronCore.CalendarDate(iso: try opener.open(sealed)) else { return nil }
                    return (try row.decode(column: "id", as: String.self), birthday)
                }
            }
            return try await database.raw("SELECT id, joined_at FROM members WHERE erased_at IS NULL").all().map {
                (
                    try $0.decode(column: "id", as: String.self),
                    offset.date(
                        of: Timestamp(millisecondsSinceEpoch: try $0.decode(column: "joined_at", as: Int64.self)))
                )
            }
        }
        var found: [Occurrence] = []
        for (member, date) in dates {
            for year in (today.year - 1)...(today.year + 1) {
                let moment =
                    trigger.kind == .birthday
                    ? date.sameDay(inYear: year).addingDays(-trigger.days)
                    : date.sameDay(inYear: year).addingDays(trigger.days)
                guard window.contains(moment), trigger.kind == .birthday || year > date.year else { continue }
                found.append(Occurrence(memberID: member, key: "\(member):\(year)"))
            }
        }
        return found
    }
}
