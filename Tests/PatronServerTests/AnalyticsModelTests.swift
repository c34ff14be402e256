import Foundation
import Hummingbird
import HummingbirdTesting
import PatronAnalytics
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

extension SyntheticBase {
    /// The same purchases as PatronAnalytics reads them from a file, for an independent summary and fit.
    func summaries(through end: PatronCore.CalendarDate) -> [CustomerSummary] {
        let transactions = purchases.map {
            Transaction(
                customerID: $0.customer,
                date: PatronAnalytics.CalendarDate(daysSinceEpoch: $0.day.daysSinceEpoch),
                amount: Double($0.totalMinor))
        }
        return CustomerSummary.summaries(
            from: transactions, calibrationEnd: PatronAnalytics.CalendarDate(daysSinceEpoch: end.daysSinceEpoch),
            unit: .week)
    }
}

private func relativeDifference(_ left: Double?, _ right: Double) -> Double {
    guard let left else { return .infinity }
    return abs(left - right) / max(abs(right), 1e-12)
}

@Suite struct AnalyticsModelTests {
    @Test(arguments: TestDatabase.engines)
    func insightsAndChurnRiskComeFromTheStoredFit(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let base = SyntheticBase()
            var memberIDs: [String: String] = [:]
            for order in base.orders {
                let answer = try await app.request(.post, "/v1/orders", json: order)
                #expect(answer.status == .created, "\(answer.text)")
                memberIDs[order["member"]?["external_id"]?.string ?? ""] = answer.json["member_id"]?.string
            }
            let memberID = try #require(memberIDs["s5"])
            let asOf = PatronCore.CalendarDate(year: 2026, month: 6, day: 30)

            // Before any fit: a clear 409, not a guess.
            for path in [
                "/v1/members/\(memberID)/insights?as_of=2026-06-30", "/v1/analytics/churn-risk?as_of=2026-06-30",
                "/v1/analytics/model",
            ] {
                let answer = try await app.request(.get, path)
                #expect(answer.status == .conflict, "\(path)")
                #expect(answer.isProblem)
                #expect(answer.json["title"]?.string == "No Model Fitted")
            }

            let (fit, refitted) = try await app.store.refitModels(asOf: asOf)
            #expect(refitted)
            // The SQL aggregation gives the models what PatronAnalytics derives from the raw purchases.
            let summaries = base.summaries(through: asOf)
            let reference = try CustomerBaseFit.fit(summaries)
            #expect(fit.customers == summaries.count)
            #expect(fit.repeatCustomers == summaries.count { $0.history.frequency > 0 })
            #expect(relativeDifference(fit.purchases.r, reference.purchases.model.r) < 1e-9)
            #expect(relativeDifference(fit.purchases.alpha, reference.purchases.model.alpha) < 1e-9)
            #expect(relativeDifference(fit.purchases.a, reference.purchases.model.a) < 1e-9)
            #expect(relativeDifference(fit.purchases.b, reference.purchases.model.b) < 1e-9)
            #expect(relativeDifference(fit.spend.p, reference.spend.model.p) < 1e-9)
            #expect(relativeDifference(fit.spend.q, reference.spend.model.q) < 1e-9)
            #expect(relativeDifference(fit.spend.gamma, reference.spend.model.gamma) < 1e-9)

            // Refitting the same orders for the same day changes nothing.
            let (again, refittedAgain) = try await app.store.refitModels(asOf: asOf)
            #expect(!refittedAgain)
            #expect(again == fit)
            #expect(try await app.rowCount("analytics_model_fits") == 1)
            let model = try await app.request(.get, "/v1/analytics/model")
            #expect(model.status == .ok)
            #expect(model.json["fit_id"]?.string == String(fit.fitID))
            #expect(model.json["calibration_end"]?.string == "2026-06-30")
            #expect(model.json["bgnbd"]?["r"]?.number == fit.purchases.r)
            #expect(model.json["gamma_gamma"]?["q"]?.number == fit.spend.q)

            let insights = try await app.request(.get, "/v1/members/\(memberID)/insights?as_of=2026-06-30")
            #expect(insights.status == .ok, "\(insights.text)")
            let summary = try #require(summaries.first { $0.customerID == "s5" })
            let alive = reference.purchases.model.probabilityAlive(given: summary.history)
            #expect(relativeDifference(insights.json["probability_alive"]?.number, alive) < 1e-9)
            #expect(relativeDifference(insights.json["churn_risk"]?.number, 1 - alive) < 1e-9)
            let expected = reference.purchases.model.expectedPurchases(in: 90.0 / 7, given: summary.history)
            #expect(relativeDifference(insights.json["expected_purchases"]?.number, expected) < 1e-9)
            let spend = reference.spend.model.expectedAverageSpend(
                frequency: summary.history.frequency, monetaryValue: summary.monetaryValue)
            #expect(insights.json["expected_average_spend_minor"]?.integer == Int(spend.rounded()))
            let clv = CustomerLifetimeValue.value(
                of: summary, purchaseModel: reference.purchases.model, spendModel: reference.spend.model,
                settings: LifetimeValueSettings(horizon: 90.0 / 7, months: 12, monthlyDiscountRate: 0.01, unit: .week))
            #expect(insights.json["clv_minor"]?.integer == Int(clv.rounded()))
            #expect(insights.json["rfm"]?["member_id"]?.string == memberID)
            #expect(insights.json["lifecycle_stage"]?.string != nil)
            #expect(insights.json["model"]?["fit_id"]?.string == String(fit.fitID))
            // The next purchase is expected after the reference day, on the first day E[purchases] reaches 1.
            if let next = insights.json["expected_next_purchase"]?.string.flatMap(PatronCore.CalendarDate.init(iso:)) {
                let days = next.daysSinceEpoch - asOf.daysSinceEpoch
                #expect(days >= 1)
                let model = reference.purchases.model
                #expect(model.expectedPurchases(in: Double(days) / 7, given: summary.history) >= 1)
                #expect(model.expectedPurchases(in: Double(days - 1) / 7, given: summary.history) < 1)
            }

            // A member without orders has no standing or prediction.
            let quiet = try await app.request(.post, "/v1/members", json: ["external_id": "quiet"])
            let quietID = try #require(quiet.json["member_id"]?.string)
            let quietInsights = try await app.request(.get, "/v1/members/\(quietID)/insights?as_of=2026-06-30")
            #expect(quietInsights.status == .ok)
            #expect(quietInsights.json["rfm"] == .null)
            #expect(quietInsights.json["probability_alive"] == .null)

            // The churn-risk list ranks by CLV × (1 − P(alive)).
            let risk = try await app.request(.get, "/v1/analytics/churn-risk?as_of=2026-06-30&limit=5")
            #expect(risk.status == .ok, "\(risk.text)")
            let entries = risk.json["data"]?.array ?? []
            #expect(entries.count == 5)
            let values = entries.compactMap { $0["value_at_risk_minor"]?.integer }
            #expect(values == values.sorted(by: >))
            for entry in entries {
                let alive = entry["probability_alive"]?.number ?? -1
                #expect(abs((entry["churn_risk"]?.number ?? -1) - (1 - alive)) < 1e-12)
            }
            let top = try #require(entries.first?["member_id"]?.string)
            let topCustomer = try #require(memberIDs.first { $0.value == top }?.key)
            let topSummary = try #require(summaries.first { $0.customerID == topCustomer })
            let topValue =
                CustomerLifetimeValue.value(
                    of: topSummary, purchaseModel: reference.purchases.model, spendModel: reference.spend.model,
                    settings: LifetimeValueSettings(
                        horizon: 90.0 / 7, months: 12, monthlyDiscountRate: 0.01, unit: .week))
                * (1 - reference.purchases.model.probabilityAlive(given: topSummary.history))
            let best =
                summaries.map { summary in
                    CustomerLifetimeValue.value(
                        of: summary, purchaseModel: reference.purchases.model, spendModel: reference.spend.model,
                        settings: LifetimeValueSettings(
                            horizon: 90.0 / 7, months: 12, monthlyDiscountRate: 0.01, unit: .week))
                        * (1 - reference.purchases.model.probabilityAlive(given: summary.history))
                }.max() ?? 0
            #expect(relativeDifference(topValue, best) < 1e-9)

            // The same pass spreads every customer's lifetime value over tenths: each customer in one tenth, the
            // tenths in falling order, their totals the sum of the values the models give.
            let lifetimeValues = summaries.map { summary in
                CustomerLifetimeValue.value(
                    of: summary, purchaseModel: reference.purchases.model, spendModel: reference.spend.model,
                    settings: LifetimeValueSettings(
                        horizon: 90.0 / 7, months: 12, monthlyDiscountRate: 0.01, unit: .week))
            }
            let outlook = try await app.store.valueOutlook(asOf: asOf, limit: 3, settings: PredictionSettings())
            let tenths = outlook.lifetimeValues
            #expect(outlook.atRisk.map(\.totals.memberID) == entries.prefix(3).compactMap { $0["member_id"]?.string })
            #expect(tenths.customers == summaries.count && tenths.deciles.count == 10)
            #expect(tenths.deciles.map(\.customers).reduce(0, +) == summaries.count)
            #expect(relativeDifference(tenths.total, lifetimeValues.reduce(0, +)) < 1e-9)
            #expect(relativeDifference(tenths.deciles[0].highest, lifetimeValues.max() ?? 0) < 1e-9)
            #expect(zip(tenths.deciles, tenths.deciles.dropFirst()).allSatisfy { $0.lowest >= $1.highest })

            // The dashboard shows both to an analyst: the list by member id, not by name.
            let analyst = try await DashboardPageTests.signedInBrowser(app, "an@example.cn", role: "analyst")
            let page = try await analyst.get("/analytics")
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.text.contains("The most valuable tenth of customers holds "))
            #expect(page.text.contains("<th scope=\"row\">Top 10%</th>"))
            let shownRisk = try await app.store.valueOutlook(
                asOf: try await app.store.today(), limit: 1, settings: PredictionSettings())
            let first = try #require(shownRisk.atRisk.first?.totals.memberID)
            #expect(page.text.contains("<td><code>\(first)</code></td>"))

            // With a fit stored, the RFM list carries P(alive).
            let rfm = try await app.request(.get, "/v1/analytics/rfm?reference_date=2026-06-30&limit=3").json
            #expect(rfm["model_fitted_at"]?.string != nil)
            #expect(rfm["data"]?.array.allSatisfy { $0["probability_alive"]?.number != nil } == true)
            // Each member's insights score them by counts in SQL; the list scores the whole base: they agree.
            let everyone = try await app.request(.get, "/v1/analytics/rfm?reference_date=2026-06-30&limit=500").json
            let listed = everyone["data"]?.array ?? []
            #expect(listed.count == memberIDs.count)
            for row in listed {
                let id = try #require(row["member_id"]?.string)
                let own = try await app.request(.get, "/v1/members/\(id)/insights?as_of=2026-06-30").json
                for field in [
                    "r", "f", "m", "segment", "lifecycle_stage", "recency_days", "frequency", "monetary_minor",
                ] {
                    #expect(own["rfm"]?[field] == row[field], "\(id) \(field)")
                }
            }

            // A new order makes the next refit real.
            let newOrder = try await app.request(
                .post, "/v1/orders",
                json: [
                    "order_id": "fresh", "member": ["external_id": "s5"], "occurred_at": "2026-06-29T04:00:00Z",
                    "currency": "CNY", "lines": [["sku": "ITEM", "quantity": 1, "unit_price_minor": 2000]],
                    "total_minor": 2000,
                ])
            #expect(newOrder.status == .created)
            let (refreshed, refittedAfterOrder) = try await app.store.refitModels(asOf: asOf)
            #expect(refittedAfterOrder)
            #expect(refreshed.fitID > fit.fitID)
            #expect(try await app.rowCount("analytics_model_fits") == 2)
        }
    }

    /// The periodic refit stores a fit on the orders through today, and a run with nothing new writes nothing.
    @Test(arguments: TestDatabase.engines)
    func theRefitServiceFitsOnceUntilOrdersChange(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for order in SyntheticBase().orders {
                #expect(try await app.request(.post, "/v1/orders", json: order).status == .created)
            }
            let service = AnalyticsRefreshService(
                store: app.store, interval: .seconds(3600), logger: TestDatabase.logger)
            await service.runOnce()
            let model = try await app.request(.get, "/v1/analytics/model")
            #expect(model.status == .ok, "\(model.text)")
            let today = try await app.store.program().program.utcOffset.date(
                of: WallClock.system.now)
            #expect(model.json["calibration_end"]?.string == today.isoString)
            await service.runOnce()
            #expect(try await app.rowCount("analytics_model_fits") == 1)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func tooLittleDataIsRefusedClearly(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let asOf = PatronCore.CalendarDate(year: 2026, month: 11, day: 30)
            await #expect(throws: AnalyticsError.self) { try await app.store.refitModels(asOf: asOf) }
            // One customer with a single purchase: nobody has bought twice, so spend cannot be modelled.
            #expect(try await app.request(.post, "/v1/orders", json: exampleOrder).status == .created)
            do {
                _ = try await app.store.refitModels(asOf: asOf)
                Issue.record("a single order was fitted")
            } catch let error as AnalyticsError {
                guard case .notEnoughData = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
            #expect(try await app.rowCount("analytics_model_fits") == 0)
        }
    }
}
