import Foundation
import Hummingbird
import HummingbirdTesting
import PatronAnalytics
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

@testable import PatronServer

/// A fit that diverges is neither stored nor used.
@Suite struct AnalyticsDivergentFitTests {
    /// Ten members who all bought on two or more days of 2026, some long silent by its end: BG/NBD runs off to
    /// the edge of its parameters on such a base.
    static var tenRepeaters: [JSONValue] {
        let start = PatronCore.CalendarDate(year: 2026, month: 1, day: 1)
        return (0..<10).flatMap { index -> [JSONValue] in
            let first = 17 * index
            var days = [first, first + 30 + 11 * index]
            if index % 2 == 0 { days.append(days[1] + 40) }
            return days.enumerated().map { position, day in
                let total = 100 * (150 + 20 * ((position + index) % 4))
                return [
                    "order_id": .string("t\(index)-\(position)"), "member": ["external_id": .string("t\(index)")],
                    "occurred_at": .string("\(start.addingDays(day).isoString)T04:00:00Z"), "currency": "CNY",
                    "lines": [["sku": "ITEM", "quantity": 1, "unit_price_minor": .number(Double(total))]],
                    "total_minor": .number(Double(total)),
                ]
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aBaseWhereEveryoneRepeatsIsRefusedInWordsAndNothingIsStored(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            var memberIDs: [String] = []
            for order in Self.tenRepeaters {
                let answer = try await app.request(.post, "/v1/orders", json: order)
                #expect(answer.status == .created, "\(answer.text)")
                memberIDs.append(answer.json["member_id"]?.string ?? "")
            }
            do {
                let (fit, _) = try await app.store.refitModels(
                    asOf: PatronCore.CalendarDate(year: 2027, month: 1, day: 1))
                Issue.record("a divergent fit was stored: \(fit)")
            } catch AnalyticsError.notEnoughData(let reason) {
                #expect(reason.contains("do not determine the model"), "\(reason)")
                #expect(!reason.contains("line search") && !reason.contains("iteration"), "\(reason)")
            }
            #expect(try await app.rowCount("analytics_model_fits") == 0)
            for path in [
                "/v1/analytics/model", "/v1/members/\(memberIDs[0])/insights?as_of=2027-01-01",
                "/v1/analytics/churn-risk?as_of=2027-01-01",
            ] {
                let answer = try await app.request(.get, path)
                #expect(answer.status == .conflict, "\(path): \(answer.text)")
                #expect(answer.json["title"]?.string == "No Model Fitted")
            }
        }
    }

    /// A fit stored before convergence was recorded may be one that diverged (these are the parameters of one):
    /// it is not used, so nothing predicts from it until a refit replaces it.
    @Test(arguments: TestDatabase.engines)
    func aFitWithoutRecordedConvergenceIsNotUsed(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            try await app.store.database.write { database in
                try await database.raw(
                    """
                    INSERT INTO analytics_model_fits (fitted_at, calibration_end, utc_offset_minutes, currency,
                        time_unit, order_count, newest_order_created_at, customers, repeat_customers, bgnbd_r,
                        bgnbd_alpha, bgnbd_a, bgnbd_b, bgnbd_log_likelihood, gamma_gamma_p, gamma_gamma_q,
                        gamma_gamma_gamma, gamma_gamma_log_likelihood)
                    VALUES (0, '2027-01-01', 480, 'CNY', 'week', 25, 0, 10, 10, 6.1e11, 6.3e12, 4.2e-7, 2.1, -70.0,
                        4.0, 9.0e6, 4.0e8, -60.0)
                    """
                ).run()
            }
            #expect(try await app.store.latestModelFit() == nil)
            let model = try await app.request(.get, "/v1/analytics/model")
            #expect(model.status == .conflict, "\(model.text)")
        }
    }
}
