import Foundation
import Hummingbird
import HummingbirdTesting
import PatronAnalytics
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// An order of one line, placed at local noon (+08:00, the standard program) of `day`.
private func order(_ id: String, customer: String, day: String, totalMinor: Int, currency: String = "CNY") -> JSONValue
{
    [
        "order_id": .string(id), "member": ["external_id": .string(customer)],
        "occurred_at": .string("\(day)T04:00:00Z"), "currency": .string(currency),
        "lines": [["sku": "ITEM", "quantity": 1, "unit_price_minor": .number(Double(totalMinor))]],
        "total_minor": .number(Double(totalMinor)),
    ]
}

/// Posts orders sixteen at a time; returns each customer's member id.
@discardableResult
private func post(_ orders: [JSONValue], to app: TestApplication) async throws -> [String: String] {
    var memberIDs: [String: String] = [:]
    var start = 0
    while start < orders.count {
        let chunk = orders[start..<min(start + 16, orders.count)]
        let answers = try await withThrowingTaskGroup(of: (JSONValue, TestResponse).self) { group in
            for order in chunk { group.addTask { (order, try await app.request(.post, "/v1/orders", json: order)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for (order, answer) in answers {
            #expect(answer.status == .created, "\(answer.text)")
            if let customer = order["member"]?["external_id"]?.string, let memberID = answer.json["member_id"]?.string {
                memberIDs[customer] = memberID
            }
        }
        start += 16
    }
    return memberIDs
}

private func day(_ text: String) -> PatronCore.CalendarDate { PatronCore.CalendarDate(iso: text)! }

@Suite struct AnalyticsAPITests {
    /// The worked example through real orders: 100 customers at the start, 20 lost, 30 new, 110 at the
    /// end → 80% retention; with a 90-day lapse window a customer whose last order is older than that is lost.
    @Test(arguments: TestDatabase.engines)
    func retentionWorkedExampleAndPeriodKPIs(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            var orders: [JSONValue] = []
            for index in 0..<100 {
                orders.append(order("old-\(index)", customer: "old-\(index)", day: "2026-05-15", totalMinor: 5000))
                // 80 come back in the period; 20 never do.
                if index < 80 {
                    orders.append(
                        order("old-\(index)-again", customer: "old-\(index)", day: "2026-08-10", totalMinor: 6000))
                }
            }
            for index in 0..<30 {
                orders.append(order("new-\(index)", customer: "new-\(index)", day: "2026-06-10", totalMinor: 3000))
                if index < 10 {
                    orders.append(
                        order("new-\(index)-again", customer: "new-\(index)", day: "2026-07-01", totalMinor: 4500))
                }
            }
            // After the period: must not count.
            orders.append(order("late", customer: "old-0", day: "2026-09-01", totalMinor: 99_999))
            try await post(orders, to: app)

            let answer = try await app.request(
                .get,
                "/v1/analytics/kpis?from=2026-06-01&to=2026-08-31&lapse_days=90&gross_margin=0.5&lifetime_years=2")
            #expect(answer.status == .ok, "\(answer.text)")
            let kpis = answer.json
            #expect(kpis["customers_at_start"]?.integer == 100)
            #expect(kpis["new_customers"]?.integer == 30)
            #expect(kpis["customers_at_end"]?.integer == 110)
            #expect(kpis["lost_customers"]?.integer == 20)
            #expect(kpis["retention_rate"]?.number == 80)
            #expect(kpis["churn_rate"]?.number == 20)

            // 110 customers ordered in the period, 10 of them twice: 120 orders.
            let revenue = 80 * 6000 + 30 * 3000 + 10 * 4500
            #expect(kpis["order_count"]?.integer == 120)
            #expect(kpis["revenue_minor"]?.integer == revenue)
            #expect(kpis["currency"]?.string == "CNY")
            #expect(kpis["purchasing_customers"]?.integer == 110)
            #expect(kpis["repeat_customers"]?.integer == 10)
            #expect(abs((kpis["repurchase_rate"]?.number ?? 0) - 100.0 * 10 / 110) < 1e-9)
            #expect(abs((kpis["purchase_frequency"]?.number ?? 0) - 120.0 / 110) < 1e-9)
            #expect(kpis["average_order_value_minor"]?.integer == revenue / 120)
            // 92 days from June 1 to August 31.
            let perYear = 120.0 / 110 * 365 / 92
            #expect(abs((kpis["purchases_per_year"]?.number ?? 0) - perYear) < 1e-9)
            let simpleCLV = (Double(revenue) / 120 * perYear * 2 * 0.5).rounded()
            #expect(kpis["simple_clv_minor"]?.integer == Int(simpleCLV))
            // Every one of the 130 members existed by the end (their first order came before it); 110 ordered.
            #expect(kpis["members"]?.integer == 130)
            #expect(abs((kpis["active_member_rate"]?.number ?? 0) - 100.0 * 110 / 130) < 1e-9)

            // The default lapse window (365 days) keeps the 20 quiet customers: nobody is lost.
            let lenient = try await app.request(.get, "/v1/analytics/kpis?from=2026-06-01&to=2026-08-31").json
            #expect(lenient["lost_customers"]?.integer == 0)
            #expect(lenient["retention_rate"]?.number == 100)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badQueriesAndMissingScopesAreProblems(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let (_, reports) = try await app.store.createAPIKey(name: "reports", scopes: [.reportsRead])
            let (_, orders) = try await app.store.createAPIKey(name: "orders", scopes: [.ordersRead])
            let (_, members) = try await app.store.createAPIKey(name: "members", scopes: [.membersRead])
            let kpis = "/v1/analytics/kpis?from=2026-01-01&to=2026-01-31"

            let anonymous = try await app.request(.get, kpis, anonymous: true)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.isProblem)
            for path in [kpis, "/v1/analytics/rfm", "/v1/analytics/cohorts", "/v1/analytics/churn-risk"] {
                let forbidden = try await app.request(.get, path, key: orders)
                #expect(forbidden.status == .forbidden, "\(path)")
                #expect(forbidden.json["detail"]?.string?.contains("reports:read") == true)
                #expect(try await app.request(.get, path, key: members).status == .forbidden, "\(path)")
            }
            #expect(try await app.request(.get, kpis, key: reports).status == .ok)
            let memberID = try #require(
                try await app.request(.post, "/v1/orders", json: exampleOrder).json["member_id"]?.string)
            let insights = try await app.request(.get, "/v1/members/\(memberID)/insights", key: reports)
            #expect(insights.status == .forbidden)
            #expect(insights.json["detail"]?.string?.contains("members:read") == true)

            let cases: [(String, Set<String>)] = [
                ("/v1/analytics/kpis?from=2026-13-01&to=2026-01-31", ["?from"]),
                ("/v1/analytics/kpis?from=2026-02-30&to=yesterday", ["?from", "?to"]),
                ("/v1/analytics/kpis?to=2026-01-31", ["?from"]),
                ("/v1/analytics/kpis?from=2026-02-01&to=2026-01-31", ["?to"]),
                (
                    "/v1/analytics/kpis?from=2026-01-01&to=2026-01-31&lapse_days=0&gross_margin=1.5",
                    [
                        "?lapse_days", "?gross_margin",
                    ]
                ),
                (
                    "/v1/analytics/rfm?reference_date=20260101&segment=vip&limit=501",
                    [
                        "?reference_date", "?segment", "?limit",
                    ]
                ),
                ("/v1/analytics/cohorts?from=2026-01", ["?from"]),
                ("/v1/analytics/churn-risk?as_of=2026-1-1&limit=0", ["?as_of", "?limit"]),
                (
                    "/v1/members/\(memberID)/insights?as_of=tomorrow&months=0&discount_rate=-1",
                    [
                        "?as_of", "?months", "?discount_rate",
                    ]
                ),
            ]
            for (path, pointers) in cases {
                let answer = try await app.request(.get, path)
                #expect(answer.status == .unprocessableContent, "\(path)")
                #expect(answer.isProblem, "\(path)")
                #expect(answer.errorPointers == pointers, "\(path)")
            }
            let unknown = try await app.request(.get, "/v1/members/mem_missing/insights")
            #expect(unknown.status == .notFound)
        }
    }

    /// Five customers whose recency, frequency and spend all rank alike score 1…5 on every measure, which the
    /// documented segment table names Lost, About to Sleep, Need Attention, Champions, Champions.
    @Test(arguments: TestDatabase.engines)
    func rfmSegmentsAndLifecycleStagesThroughTheAPI(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let reference = day("2026-10-31")
            let recency = [200, 150, 100, 50, 10]
            var orders: [JSONValue] = []
            for customer in 0..<5 {
                // k + 1 orders, 20 days apart, ending `recency` days before the reference date.
                for index in 0...customer {
                    let orderDay = reference.addingDays(-recency[customer] - 20 * index)
                    orders.append(
                        order(
                            "c\(customer)-\(index)", customer: "c\(customer)", day: orderDay.isoString,
                            totalMinor: 1000 * (customer + 1)))
                }
            }
            orders.append(order("c0-later", customer: "c0", day: "2026-11-05", totalMinor: 1_000_000))
            let memberIDs = try await post(orders, to: app)

            let answer = try await app.request(.get, "/v1/analytics/rfm?reference_date=2026-10-31")
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json["customers"]?.integer == 5)
            #expect(answer.json["model_fitted_at"] == .null)
            let rows = answer.json["data"]?.array ?? []
            var byMember: [String: JSONValue] = [:]
            for row in rows { if let id = row["member_id"]?.string { byMember[id] = row } }
            let expected: [(segment: String, stage: String)] = [
                ("lost", "at_risk"), ("about_to_sleep", "dormant"), ("need_attention", "dormant"),
                ("champions", "active"), ("champions", "active"),
            ]
            for customer in 0..<5 {
                let customerID = try #require(memberIDs["c\(customer)"])
                let row = try #require(byMember[customerID])
                #expect(row["r"]?.integer == customer + 1)
                #expect(row["f"]?.integer == customer + 1)
                #expect(row["m"]?.integer == customer + 1)
                #expect(row["recency_days"]?.integer == recency[customer])
                #expect(row["frequency"]?.integer == customer + 1)
                #expect(row["monetary_minor"]?.integer == 1000 * (customer + 1) * (customer + 1))
                #expect(row["segment"]?.string == expected[customer].segment)
                #expect(row["lifecycle_stage"]?.string == expected[customer].stage)
                #expect(row["probability_alive"] == .null)
            }
            let counts = Dictionary(
                uniqueKeysWithValues: (answer.json["segments"]?.array ?? []).map {
                    ($0["segment"]?.string ?? "", $0["customers"]?.integer ?? -1)
                })
            #expect(counts.count == RFMSegment.allCases.count)
            #expect(counts["champions"] == 2)
            #expect(counts["need_attention"] == 1)
            #expect(counts["about_to_sleep"] == 1)
            #expect(counts["lost"] == 1)
            #expect(counts.values.reduce(0, +) == 5)
            #expect(answer.json["lifecycle_stages"]?["dormant"]?.integer == 2)

            // Pages of two by member id cover everyone once.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let path =
                    "/v1/analytics/rfm?reference_date=2026-10-31&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await app.request(.get, path).json
                seen += (page["data"]?.array ?? []).compactMap { $0["member_id"]?.string }
                cursor = page["next_cursor"]?.string
            } while cursor != nil
            #expect(seen == memberIDs.values.sorted())
            let champions = try await app.request(.get, "/v1/analytics/rfm?reference_date=2026-10-31&segment=champions")
            #expect(
                Set((champions.json["data"]?.array ?? []).compactMap { $0["member_id"]?.string })
                    == [memberIDs["c3"]!, memberIDs["c4"]!])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func cohortsByMonthOfFirstOrder(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let activity: [String: [String]] = [
                "a": ["2026-01-05", "2026-01-20", "2026-02-03", "2026-03-09"],
                "b": ["2026-01-10", "2026-03-01"],
                "c": ["2026-01-31"],
                "d": ["2026-02-14", "2026-03-14"],
                "e": ["2026-02-28"],
                // First ordered before the range: in no cohort shown.
                "z": ["2025-12-01", "2026-01-15"],
            ]
            var orders: [JSONValue] = []
            for (customer, days) in activity {
                for (index, orderDay) in days.enumerated() {
                    orders.append(order("\(customer)-\(index)", customer: customer, day: orderDay, totalMinor: 1000))
                }
            }
            try await post(orders, to: app)
            let answer = try await app.request(.get, "/v1/analytics/cohorts?from=2026-01-01&to=2026-03-31")
            #expect(answer.status == .ok, "\(answer.text)")
            let cohorts = answer.json["cohorts"]?.array ?? []
            #expect(cohorts.map { $0["month"]?.string } == ["2026-01", "2026-02"])
            #expect(cohorts.first?["customers"]?.integer == 3)
            #expect(cohorts.first?["active_customers"]?.array.map(\.integer) == [3, 1, 2])
            #expect(cohorts.last?["customers"]?.integer == 2)
            #expect(cohorts.last?["active_customers"]?.array.map(\.integer) == [2, 1])
            #expect(cohorts.last?["retention_rates"]?.array.map(\.number) == [100, 50])
            // Activity after `to` does not count.
            let february = try await app.request(.get, "/v1/analytics/cohorts?from=2026-01-01&to=2026-02-28").json
            #expect(february["cohorts"]?.array.first?["active_customers"]?.array.map(\.integer) == [3, 1])
        }
    }
}
