import PatronAnalytics
import PatronCore
import PatronStore
import SQLKit
import Synchronization

/// Two years of a shop's orders, shaped like real ones, for tests of the background jobs: the older points have
/// expired by now, silver members' yearly evaluations are due, and there is enough for a lifetime-value fit.
public enum LoyaltyHistory {
    static let day: Int64 = 86_400_000

    /// 200 customers who buy as the BG/NBD model says (seeded), first between 30 and 720 days before `end`,
    /// each order recorded by a store whose clock reads that order's time; every fifth first spends enough for
    /// silver, more than a year before `end`.
    public static func record(into store: Store, endingAt end: Int64) async throws {
        let time = Mutex<Int64>(end)
        let store = store.with(WallClock { time.withLock { $0 } })
        var generator = SeededGenerator(seed: 20_261_130)
        // Times in days: about one purchase in 60 days while a customer stays, one in five stopping after each.
        let model = BGNBDModel(r: 0.5, alpha: 30, a: 0.7, b: 3)
        for customer in 0..<200 {
            let isSilver = customer % 5 == 0
            let first = isSilver ? 400 + generator.nextUnit() * 320 : 30 + generator.nextUnit() * 690
            let repeats = Simulation.bgnbdRepeatTimes(model, age: first - 1, using: &generator)
            // Spend as Gamma-Gamma says: each customer their own typical basket, about 40 yuan on average.
            let basketRate = Simulation.gamma(shape: 3, rate: 6_000, using: &generator)
            for (index, after) in ([0] + repeats).enumerated() {
                let basket = Simulation.gamma(shape: 2, rate: basketRate, using: &generator)
                let total: Int64 = isSilver && index == 0 ? 250_000 : Int64(min(max(basket, 100), 20_000))
                let occurredAt = end - Int64((first - after) * Double(day))
                let body: JSONValue = [
                    "order_id": .string("H-\(customer)-\(index)"),
                    "member": ["external_id": .string("u-\(customer)")],
                    "occurred_at": .string(Timestamp(millisecondsSinceEpoch: occurredAt).rfc3339),
                    "currency": "CNY",
                    "lines": [["sku": "BEANS", "quantity": 1, "unit_price_minor": .number(Double(total))]],
                    "total_minor": .number(Double(total)),
                ]
                time.withLock { $0 = occurredAt + 60_000 }
                let submission = try OrderSubmission.parse(body, receivedAt: store.clock.now)
                _ = try await store.recordOrder(submission, fingerprint: "H-\(customer)-\(index)")
            }
        }
    }

    /// What is left for the jobs as of `now`: due lots, due tier evaluations, and 1 while no model is fitted.
    public static func dueItems(at now: Int64, in store: Store) async throws -> Int {
        try await count("SELECT COUNT(*) AS n FROM point_lots WHERE remaining > 0 AND expires_at <= \(now)", store)
            + count("SELECT COUNT(*) AS n FROM member_tiers WHERE next_evaluation_day <= \(now / day - 1)", store)
            + (count("SELECT COUNT(*) AS n FROM analytics_model_fits", store) == 0 ? 1 : 0)
    }

    /// Problems with what the jobs did, given `lots` were due for expiry: a lot expired twice, a member
    /// downgraded twice at once, two model fits of the same orders, or a journal that no longer adds up. Empty when none.
    public static func doubleEffects(expectedExpiries lots: Int, in store: Store) async throws -> [String] {
        var problems: [String] = []
        let expiries = try await count("SELECT COUNT(*) AS n FROM point_entries WHERE kind = 'expire'", store)
        let expiredLots = try await count(
            "SELECT COUNT(DISTINCT reference) AS n FROM point_entries WHERE kind = 'expire'", store)
        if expiries != lots || expiredLots != lots {
            problems.append("\(expiries) expiries of \(expiredLots) lots; \(lots) were due")
        }
        // A member two nodes evaluated at once would have two rows for one downgrade.
        let downgrades = try await count("SELECT COUNT(*) AS n FROM tier_changes WHERE reason LIKE 'downgrade%'", store)
        let downgraded = try await count(
            "SELECT COUNT(DISTINCT member_id) AS n FROM tier_changes WHERE reason LIKE 'downgrade%'", store)
        if downgrades == 0 || downgrades != downgraded {
            problems.append("\(downgrades) downgrades of \(downgraded) members")
        }
        let fits = try await count("SELECT COUNT(*) AS n FROM analytics_model_fits", store)
        let distinctFits = try await count(
            """
            SELECT COUNT(*) AS n FROM (SELECT DISTINCT order_count, newest_order_created_at, calibration_end
                                       FROM analytics_model_fits) AS fits
            """, store)
        if fits == 0 || fits != distinctFits { problems.append("\(fits) model fits of \(distinctFits) order sets") }
        let journal = try await count("SELECT CAST(SUM(points) AS BIGINT) AS n FROM point_entries", store)
        let balances = try await count(
            "SELECT CAST(SUM(available + pending) AS BIGINT) AS n FROM point_balances", store)
        if journal != balances { problems.append("the journal adds up to \(journal), the balances to \(balances)") }
        return problems
    }

    /// The single integer column `n` of `query`.
    public static func count(_ query: String, _ store: Store) async throws -> Int {
        try await store.database.read {
            try await $0.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }
}
