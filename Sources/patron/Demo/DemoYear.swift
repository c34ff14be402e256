import Foundation
import PatronCore
import PatronStore

/// A year of the café chain, day by day through Patron: each visit is an order recorded with the clock at its
/// time, so points, tiers, referrals and expiry happen as they would have.
struct DemoYear {
    struct Totals: Sendable {
        var orders = 0
        var members = 0
        var redemptions = 0
    }

    let store: Store
    let days: Int
    let firstDay: CalendarDate
    let offset: UTCOffset
    let catalog: [(rewardID: String, cost: Int64)]
    var random: SplitMix64
    var people: DemoCustomers
    var alive: [Bool]
    /// Member ids, once each customer's first order has made them members.
    var memberIDs: [Int: String] = [:]
    var totals = Totals()

    init(store: Store, members: Int, days: Int, seed: UInt64) async throws {
        self.store = store
        self.days = days
        let program = try LoyaltyProgram.parse(CafeChain.program)
        _ = try await store.saveProgram(program, actor: "demo")
        var catalog: [(String, Int64)] = []
        for definition in CafeChain.rewards {
            let reward = try JSONDecoder().decode(Reward.self, from: JSONEncoder().encode(definition))
            _ = try await store.saveReward(reward)
            catalog.append((reward.rewardID, reward.costPoints))
        }
        self.catalog = catalog.sorted { $0.1 > $1.1 }
        offset = program.utcOffset
        firstDay = offset.date(of: store.clock.now).addingDays(1 - days)
        random = SplitMix64(state: seed)
        people = DemoCustomers(count: members, days: days, random: &random)
        alive = Array(repeating: true, count: members)
    }

    /// A visit: who, when, and what they bought.
    struct Visit: Sendable {
        var customer: Int
        var time: Timestamp
        var body: JSONValue
        var referrer: String?
        var redeems: Bool
    }

    mutating func run(concurrency: Int, report: (String) -> Void) async throws -> Totals {
        for day in 0..<days {
            let date = firstDay.addingDays(day)
            let visits = plan(day: day, date: date)
            for start in stride(from: 0, to: visits.count, by: concurrency) {
                let batch = visits[start..<min(visits.count, start + concurrency)]
                let outcomes = try await withThrowingTaskGroup(of: (Int, String, Bool).self) { group in
                    for visit in batch {
                        group.addTask { [store, catalog] in
                            try await Self.record(visit, store: store, catalog: catalog)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for (customer, memberID, redeemed) in outcomes {
                    if memberIDs.updateValue(memberID, forKey: customer) == nil { totals.members += 1 }
                    totals.orders += 1
                    if redeemed { totals.redemptions += 1 }
                }
            }
            // The nightly jobs, five minutes after midnight.
            let night = Timestamp(
                millisecondsSinceEpoch: offset.startOf(date.addingDays(1)).millisecondsSinceEpoch + 300_000)
            let jobs = store.with(WallClock { night.millisecondsSinceEpoch })
            _ = try await jobs.releasePendingPoints(asOf: night)
            _ = try await jobs.expirePoints(asOf: night)
            _ = try await jobs.evaluateTiers(asOf: night)
            _ = try await jobs.settleReferrals(asOf: night)
            if date.day == 1 || day == days - 1 {
                report(
                    "\(date.isoString): \(totals.members) members, \(totals.orders) orders, \(totals.redemptions) redemptions"
                )
            }
        }
        // The lifetime-value models as the periodic refit would fit them, so the dashboard shows predictions at once.
        do {
            _ = try await store.refitModels(asOf: firstDay.addingDays(days - 1))
        } catch AnalyticsError.notEnoughData(let reason) {
            report("No lifetime-value model yet: \(reason)")
        }
        // The overview's closed days, as the job would sum them.
        try await store.refreshActivityRollups()
        return totals
    }

    /// Who comes on `day`: a new customer on the day they join, then each living customer with their own daily
    /// chance on the week's rhythm; after each visit a customer may never come again.
    mutating func plan(day: Int, date: CalendarDate) -> [Visit] {
        let weekday = (date.daysSinceEpoch + 3) % 7  // 1970-01-01 was a Thursday; Monday is 0.
        let start = offset.startOf(date).millisecondsSinceEpoch
        var visits: [Visit] = []
        for index in people.customers.indices where alive[index] && people.customers[index].joinDay <= day {
            let customer = people.customers[index]
            let joins = customer.joinDay == day && !customer.existing
            let chance = customer.rate * DemoCustomers.weekdayWeights[weekday]
            guard joins || Double.random(in: 0..<1, using: &random) < chance else { continue }
            if Double.random(in: 0..<1, using: &random) < customer.dropout { alive[index] = false }
            // Mornings and early afternoons are busiest.
            let hour = [7, 8, 8, 9, 9, 10, 11, 12, 13, 14, 14, 15, 16, 17, 18, 20].randomElement(using: &random)!
            let minute = Int64(hour * 60 + Int.random(in: 0..<60, using: &random))
            let time = Timestamp(
                millisecondsSinceEpoch: start + minute * 60_000 + Int64.random(in: 0..<60_000, using: &random))
            visits.append(
                Visit(
                    customer: index, time: time, body: order(customer, number: visits.count, day: day, at: time),
                    referrer: joins ? customer.referrer.flatMap { memberIDs[$0] } : nil,
                    redeems: Double.random(in: 0..<1, using: &random) < 0.15))
        }
        return visits.sorted { $0.time.millisecondsSinceEpoch < $1.time.millisecondsSinceEpoch }
    }

    mutating func order(_ customer: DemoCustomers.Customer, number: Int, day: Int, at time: Timestamp) -> JSONValue {
        var lines: [JSONValue] = []
        var total: Int64 = 0
        let drinks = CafeChain.menu.filter { $0.category == "coffee" || $0.category == "tea" }
        var items = [weighted(drinks)]
        if Double.random(in: 0..<1, using: &random) < 0.35 {
            items.append(weighted(CafeChain.menu.filter { $0.category == "bakery" }))
        }
        if Double.random(in: 0..<1, using: &random) < 0.04 { items.append(CafeChain.menu.last!) }
        for item in items {
            let quantity = Double.random(in: 0..<1, using: &random) < 0.15 ? 2 : 1
            total += item.priceMinor * Int64(quantity)
            lines.append([
                "sku": .string(item.sku), "name": .string(item.name), "category": .string(item.category),
                "quantity": .number(Double(quantity)), "unit_price_minor": .number(Double(item.priceMinor)),
            ])
        }
        var member: [String: JSONValue] = [
            "external_id": .string(customer.externalID), "phone": .string(customer.phone),
            "name": .string(customer.name),
        ]
        if let email = customer.email { member["email"] = .string(email) }
        if let birthday = customer.birthday { member["birthday"] = .string(birthday.isoString) }
        let inApp = Double.random(in: 0..<1, using: &random) < 0.2
        var body: [String: JSONValue] = [
            "order_id": .string(String(format: "DEMO-%04d-%05d", day, number)), "occurred_at": .string(time.rfc3339),
            "currency": "CNY", "channel": .string(inApp ? "app" : "store"), "member": .object(member),
            "lines": .array(lines), "total_minor": .number(Double(total)),
        ]
        if !inApp { body["store_id"] = .string(customer.store) }
        return .object(body)
    }

    mutating func weighted(_ items: [CafeChain.Item]) -> CafeChain.Item {
        var pick = Double.random(in: 0..<items.reduce(0) { $0 + $1.weight }, using: &random)
        for item in items {
            pick -= item.weight
            if pick < 0 { return item }
        }
        return items[items.count - 1]
    }

    /// Records one visit with the clock at its time; a new member invited by a friend joins through the friend's
    /// code first, and a member who can afford a reward may redeem the dearest one.
    static func record(
        _ visit: Visit, store: Store, catalog: [(rewardID: String, cost: Int64)]
    ) async throws -> (Int, String, Bool) {
        let at = store.with(WallClock { visit.time.millisecondsSinceEpoch })
        if let referrer = visit.referrer, let member = visit.body["member"] {
            var reader = FieldReader(member)
            let profile = MemberProfile.read(from: &reader)
            let (joined, _) = try await at.upsertMember(profile)
            // Two friends the same referrer invited may arrive together: one of them makes the code.
            var code = (try? await at.makeReferralCode(memberID: referrer, deviceID: nil, at: visit.time))?.code
            if code == nil { code = try await at.referralSummary(memberID: referrer)?.code }
            if let code {
                // A refusal (the program's referral limits) leaves the visit a plain first order.
                _ = try? await at.joinReferral(
                    code: code, memberID: joined.id, email: nil, phone: nil, deviceID: nil, at: visit.time)
            }
        }
        let submission = try OrderSubmission.parse(visit.body, receivedAt: visit.time)
        let recording = try await at.recordOrder(submission, fingerprint: Fingerprint.of(visit.body))
        let memberID = recording.order.memberID
        guard visit.redeems else { return (visit.customer, memberID, false) }
        let later = Timestamp(millisecondsSinceEpoch: visit.time.millisecondsSinceEpoch + 60_000)
        let available = try await at.pointsSummary(memberID: memberID, at: later)?.balance.available ?? 0
        for reward in catalog where reward.cost <= available {
            // The tumbler is for gold and diamond members only: others take the next they can afford.
            if (try? await at.with(WallClock { later.millisecondsSinceEpoch }).redeem(
                memberID: memberID, rewardID: reward.rewardID, idempotencyKey: "demo-\(submission.orderID)",
                actor: "demo", at: later)) != nil
            {
                return (visit.customer, memberID, true)
            }
        }
        return (visit.customer, memberID, false)
    }
}
