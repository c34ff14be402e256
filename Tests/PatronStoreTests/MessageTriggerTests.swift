import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Triggers queue one message per occurrence whose moment has come — a thank-you days after an order, a
/// nudge when the last order is old, a warning days before points expire, a welcome — and running them again
/// queues nothing more.
@Suite struct MessageTriggerTests {
    static let now: Int64 = 1_780_000_000_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func order(_ id: String, member: String, at instant: Int64) throws -> OrderSubmission {
        let body: JSONValue = [
            "order_id": .string(id), "member": ["external_id": .string(member)],
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: instant).rfc3339), "currency": "CNY",
            "channel": "store", "lines": [["sku": "TEA", "quantity": 1, "unit_price_minor": 5000]],
            "total_minor": 5000,
        ]
        return try OrderSubmission.parse(body, receivedAt: Timestamp(millisecondsSinceEpoch: now))
    }

    /// Saves an email template in Chinese saying `text`.
    static func saveTemplate(
        _ id: String, _ category: MessageCategory, text: String, in store: Store, at instant: Timestamp
    ) async throws {
        let template = try MessageTemplate.parse([
            "name": .string(id), "category": .string(category.rawValue),
            "contents": [["channel": "email", "language": "zh", "subject": "您好", "text": .string(text)]],
        ])
        _ = try await store.saveTemplate(id: id, template: template, acceptedVersions: nil, by: "test", at: instant)
    }

    @Test(arguments: TestDatabase.engines)
    func eachOccurrenceIsQueuedOnceWhenItsMomentComes(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.now }) { store in
            let at = Timestamp(millisecondsSinceEpoch: Self.now)
            let newcomer = try await store.upsertMember(MemberProfile(externalID: "new")).member.id
            let buyer = try await store.recordOrder(
                try Self.order("o-buyer", member: "buyer", at: Self.now - 3 * Self.day - Self.hour), fingerprint: "f"
            ).order.memberID
            let lapsed = try await store.recordOrder(
                try Self.order("o-lapsed", member: "lapsed", at: Self.now - 30 * Self.day - Self.hour),
                fingerprint: "f"
            ).order.memberID
            // Points earned 359 days ago expire (after the standard 365, at the end of that day) within 7 days.
            let expiring = try await store.recordOrder(
                try Self.order("o-expiring", member: "expiring", at: Self.now - 359 * Self.day), fingerprint: "f"
            ).order.memberID
            _ = try await store.releasePendingPoints(asOf: at)
            try await Self.saveTemplate("note", .transactional, text: "您好", in: store, at: at)
            var (_, program) = try await store.program()
            program.messaging.triggers = [
                MessageTrigger(
                    triggerID: "welcome", kind: .welcome, templateID: "note", channels: [], days: 0, segmentID: nil),
                MessageTrigger(
                    triggerID: "thanks", kind: .postPurchase, templateID: "note", channels: [.sms, .email], days: 3,
                    segmentID: nil),
                MessageTrigger(
                    triggerID: "miss-you", kind: .inactivity, templateID: "note", channels: [], days: 30,
                    segmentID: nil),
                MessageTrigger(
                    triggerID: "expiring", kind: .pointsExpiring, templateID: "note", channels: [], days: 7,
                    segmentID: nil),
                MessageTrigger(
                    triggerID: "orphan", kind: .welcome, templateID: "no-such-template", channels: [], days: 0,
                    segmentID: nil),
            ]
            let queued = try await store.runMessageTriggers(program: program, at: at)
            #expect(queued["orphan"] == 0, "a trigger whose template is gone queues nothing")
            let messages = try await store.messages(after: nil, limit: 100)
            func members(_ trigger: String) -> Set<String> {
                Set(messages.filter { $0.source == "trigger:\(trigger)" }.map(\.memberID))
            }
            #expect(members("welcome").contains(newcomer))
            #expect(members("thanks") == [buyer], "three days after the order; the older orders are past it")
            #expect(members("miss-you") == [lapsed], "thirty days after the last order")
            #expect(members("expiring") == [expiring], "seven days before the lot expires")
            let thanks = try #require(messages.first { $0.source == "trigger:thanks" })
            #expect(thanks.refs.orderID == "o-buyer" && thanks.naturalKey == "trigger:thanks:o-buyer")
            #expect(thanks.channels == [.sms, .email] && thanks.category == .transactional)
            #expect(
                messages.first { $0.source == "trigger:miss-you" }?.channels == [.email], "the template's channels")
            #expect(queued.values.reduce(0, +) == messages.count)

            let again = try await store.runMessageTriggers(
                program: program, at: Timestamp(millisecondsSinceEpoch: Self.now + Self.hour))
            #expect(again.values.allSatisfy { $0 == 0 }, "an occurrence is queued once: \(again)")
            let summary = try await store.messageSummary(source: "trigger:thanks")
            #expect(summary.byStatus == [.queued: 1])
        }
    }

    /// A tier moved up and one moved down, each found by its own kind; a resolved ticket closes the loop with a
    /// message that carries it; all once.
    @Test(arguments: TestDatabase.engines)
    func tierMovesAndResolvedTicketsAreFoundByTheirOwnKinds(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.now }) { store in
            let at = Timestamp(millisecondsSinceEpoch: Self.now)
            let up = try await store.upsertMember(MemberProfile(externalID: "up")).member.id
            let down = try await store.upsertMember(MemberProfile(externalID: "down")).member.id
            let (_, program) = try await store.program()
            let levels = program.tiers.levels.map(\.tierID)
            // The tier history as the evaluation writes it, an hour ago.
            try await store.database.write { database in
                for (member, from, to) in [(up, levels[0], levels[1]), (down, levels[1], levels[0])] {
                    try await database.raw(
                        """
                        INSERT INTO tier_changes (member_id, from_tier, to_tier, reason, changed_at)
                        VALUES (\(bind: member), \(bind: from), \(bind: to), 'test', \(bind: Self.now - Self.hour))
                        """
                    ).run()
                }
            }
            let (ticket, _) = try await store.openTicket(
                subject: "冷掉的咖啡", memberID: down, priority: .normal, storeID: nil, actor: "agent",
                idempotencyKey: "t-1")
            _ = try await store.moveTicket(ticket.ticketID, to: .resolved, actor: "agent")
            try await Self.saveTemplate("note", .transactional, text: "您好", in: store, at: at)
            var triggered = program
            triggered.messaging.triggers = [
                MessageTrigger(
                    triggerID: "up", kind: .tierUpgraded, templateID: "note", channels: [], days: 0, segmentID: nil),
                MessageTrigger(
                    triggerID: "down", kind: .tierDowngraded, templateID: "note", channels: [], days: 0,
                    segmentID: nil),
                MessageTrigger(
                    triggerID: "resolved", kind: .feedbackResolved, templateID: "note", channels: [], days: 0,
                    segmentID: nil),
            ]
            let queued = try await store.runMessageTriggers(program: triggered, at: at)
            #expect(queued == ["up": 1, "down": 1, "resolved": 1])
            let messages = try await store.messages(after: nil, limit: 100)
            #expect(messages.first { $0.source == "trigger:up" }?.memberID == up)
            #expect(messages.first { $0.source == "trigger:down" }?.memberID == down)
            let closing = try #require(messages.first { $0.source == "trigger:resolved" })
            #expect(closing.memberID == down && closing.refs.ticketID == ticket.ticketID)
            let again = try await store.runMessageTriggers(program: triggered, at: at)
            #expect(again.values.allSatisfy { $0 == 0 })
        }
    }

    /// Predictive win-back: after a fit, the customers with P(alive) below the threshold and a lifetime value in
    /// the top share — exactly those the member insights rank so — get one message each. Only a daily run looks.
    @Test(arguments: TestDatabase.engines)
    func predictiveWinBackReachesValuableCustomersSlippingAway(engine: DatabaseEngine) async throws {
        // The evening of the base's last day, in Shanghai.
        let at = Timestamp(rfc3339: "2026-06-30T14:00:00Z")!
        try await TestDatabase.withStore(engine, clock: WallClock { at.millisecondsSinceEpoch }) { store in
            for order in SyntheticBase(customers: 120).orders {
                _ = try await store.recordOrder(try OrderSubmission.parse(order, receivedAt: at), fingerprint: "f")
            }
            let day = (try await store.program()).program.utcOffset.date(of: at)
            _ = try await store.refitModels(asOf: day)
            try await Self.saveTemplate("miss", .marketing, text: "好久不见", in: store, at: at)
            var (_, program) = try await store.program()
            program.messaging.triggers = [
                MessageTrigger(
                    triggerID: "win-back", kind: .predictiveWinBack, templateID: "miss", channels: [], days: 0,
                    segmentID: nil)
            ]
            #expect(try await store.runMessageTriggers(program: program, at: at, daily: false)["win-back"] == nil)
            let queued = try await store.runMessageTriggers(program: program, at: at)

            // The same rule, from each customer's own insights.
            let members = try await store.database.read { database in
                try await database.raw("SELECT DISTINCT member_id FROM orders").all().map {
                    try $0.decode(column: "member_id", as: String.self)
                }
            }
            var predictions: [(String, MemberPrediction)] = []
            for member in members {
                let insight = try await store.memberInsights(
                    memberID: member, asOf: day, settings: PredictionSettings())
                predictions.append((member, try #require(insight.prediction)))
            }
            let values = predictions.map(\.1.lifetimeValue).sorted()
            let floor = values[Int((Double(values.count) * 0.7).rounded(.down))]
            let expected = Set(
                predictions.filter { $0.1.probabilityAlive < 0.5 && $0.1.lifetimeValue >= floor }.map(\.0))
            let messages = try await store.messages(source: "trigger:win-back", after: nil, limit: 100)
            #expect(Set(messages.map(\.memberID)) == expected)
            #expect(queued["win-back"] == expected.count && !expected.isEmpty)
            // A few customers, not the base: the top share of value, and only those likely gone.
            #expect(expected.count < predictions.count / 4, "\(expected.count) of \(predictions.count)")
            #expect(try await store.runMessageTriggers(program: program, at: at)["win-back"] == 0, "once per lapse")
        }
    }

    /// A coupon bought with points and about to expire is recalled once, the message carrying its code; a coupon
    /// used meanwhile would not be.
    @Test(arguments: TestDatabase.engines)
    func aCouponAboutToExpireIsRecalledOnceWithItsCode(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.now }) { store in
            let at = Timestamp(millisecondsSinceEpoch: Self.now)
            let member = try await store.recordOrder(
                try Self.order("o-coupon", member: "coupon", at: Self.now - 40 * Self.day), fingerprint: "f"
            ).order.memberID
            _ = try await store.releasePendingPoints(asOf: at)
            var reward = Reward(
                rewardID: "CAKE", kind: .physicalGift, name: LocalizedName(zh: "蛋糕", en: "Cake"), costPoints: 10)
            reward.couponValidDays = 6
            _ = try await store.saveReward(reward)
            let (bought, _) = try await store.redeem(
                memberID: member, rewardID: "CAKE", idempotencyKey: "r-1", actor: nil, at: at)
            let code = try #require(bought.redemption.couponCode)
            try await Self.saveTemplate("use-it", .transactional, text: "{{coupon.code}}", in: store, at: at)
            var (_, program) = try await store.program()
            program.messaging.triggers = [
                MessageTrigger(
                    triggerID: "coupon", kind: .couponExpiring, templateID: "use-it", channels: [], days: 7,
                    segmentID: nil)
            ]
            #expect(try await store.runMessageTriggers(program: program, at: at)["coupon"] == 1)
            let message = try #require(try await store.messages(source: "trigger:coupon", after: nil, limit: 10).first)
            #expect(message.memberID == member && message.refs.couponCode == code)
            #expect(try await store.runMessageTriggers(program: program, at: at)["coupon"] == 0)
        }
    }

    /// A birthday `days` ahead and the first anniversary of joining, in the program's time zone: each once a year,
    /// and only when a daily run looks.
    @Test(arguments: TestDatabase.engines)
    func birthdaysAndAnniversariesComeOnceAYear(engine: DatabaseEngine) async throws {
        let clock = Shared(Self.now - 365 * Self.day)
        try await TestDatabase.withStore(engine, clock: WallClock { clock.value }) { store in
            let veteran = try await store.upsertMember(MemberProfile(externalID: "veteran")).member.id
            clock.update { $0 = Self.now }
            let at = Timestamp(millisecondsSinceEpoch: Self.now)
            let (_, program) = try await store.program()
            let today = program.utcOffset.date(of: at)
            let soon = today.addingDays(3)
            let celebrant = try await store.upsertMember(
                MemberProfile(
                    externalID: "celebrant",
                    birthday: PatronCore.CalendarDate(year: 1990, month: soon.month, day: soon.day))
            ).member.id
            let later = today.addingDays(30)
            _ = try await store.upsertMember(
                MemberProfile(
                    externalID: "later",
                    birthday: PatronCore.CalendarDate(year: 1985, month: later.month, day: later.day)))
            try await Self.saveTemplate("note", .marketing, text: "您好", in: store, at: at)
            var triggered = program
            triggered.messaging.triggers = [
                MessageTrigger(
                    triggerID: "birthday", kind: .birthday, templateID: "note", channels: [], days: 3, segmentID: nil),
                MessageTrigger(
                    triggerID: "anniversary", kind: .anniversary, templateID: "note", channels: [], days: 0,
                    segmentID: nil),
            ]
            #expect(try await store.runMessageTriggers(program: triggered, at: at, daily: false).isEmpty)
            let queued = try await store.runMessageTriggers(program: triggered, at: at)
            #expect(queued == ["birthday": 1, "anniversary": 1])
            let messages = try await store.messages(after: nil, limit: 10)
            let birthday = try #require(messages.first { $0.source == "trigger:birthday" })
            #expect(
                birthday.memberID == celebrant && birthday.naturalKey == "trigger:birthday:\(celebrant):\(soon.year)")
            #expect(messages.first { $0.source == "trigger:anniversary" }?.memberID == veteran)
            let tomorrow = Timestamp(millisecondsSinceEpoch: Self.now + Self.day)
            #expect(try await store.runMessageTriggers(program: triggered, at: tomorrow).values.allSatisfy { $0 == 0 })
        }
    }

    /// A trigger's reward comes with its message once per occurrence: points on the balance, a coupon in the
    /// message; running again gives nothing more.
    @Test(arguments: TestDatabase.engines)
    func aTriggersRewardComesWithItsMessageOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine, clock: WallClock { Self.now }) { store in
            let at = Timestamp(millisecondsSinceEpoch: Self.now)
            let newcomer = try await store.upsertMember(MemberProfile(externalID: "new")).member.id
            var reward = Reward(
                rewardID: "CAKE", kind: .physicalGift, name: LocalizedName(zh: "蛋糕", en: "Cake"), costPoints: 500)
            reward.couponValidDays = 30
            _ = try await store.saveReward(reward)
            try await Self.saveTemplate("welcome", .transactional, text: "{{coupon.code}}", in: store, at: at)
            var (_, program) = try await store.program()
            var welcome = MessageTrigger(
                triggerID: "welcome", kind: .welcome, templateID: "welcome", channels: [], days: 0, segmentID: nil)
            welcome.reward = GrantedReward(points: 50, rewardID: "CAKE")
            program.messaging.triggers = [welcome]
            #expect(try await store.runMessageTriggers(program: program, at: at)["welcome"] == 1)
            let message = try #require(try await store.messages(source: "trigger:welcome", after: nil, limit: 10).first)
            let code = try #require(message.refs.couponCode)
            let summary = try #require(try await store.pointsSummary(memberID: newcomer, at: at))
            #expect(summary.balance.available == 50, "the points, and the coupon is a gift: no points spent")
            #expect(try await store.runMessageTriggers(program: program, at: at)["welcome"] == 0)
            #expect(try await store.pointsSummary(memberID: newcomer, at: at)?.balance.available == 50, "given once")
            let coupons = try await store.database.read { database in
                try await database.raw("SELECT coupon_code FROM redemptions WHERE member_id = \(bind: newcomer)").all()
                    .map { try $0.decode(column: "coupon_code", as: String.self) }
            }
            #expect(coupons == [code])
        }
    }
}
