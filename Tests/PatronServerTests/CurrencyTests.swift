import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Amounts are the program's currency, with that currency's minor units; other currencies are refused.
@Suite struct CurrencyTests {
    static func order(_ id: String, currency: String, totalMinor: Int) -> JSONValue {
        [
            "order_id": .string(id), "member": ["external_id": "traveller"], "occurred_at": "2026-11-02T09:00:00Z",
            "currency": .string(currency),
            "lines": [["sku": "TEA", "quantity": 1, "unit_price_minor": .number(Double(totalMinor))]],
            "total_minor": .number(Double(totalMinor)),
        ]
    }

    @Test(arguments: TestDatabase.engines)
    func ordersInAnotherCurrencyAreRefusedAndWriteNothing(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for (id, currency) in [("US-1", "USD"), ("JP-1", "JPY"), ("KW-1", "KWD")] {
                let answer = try await app.request(
                    .post, "/v1/orders", json: Self.order(id, currency: currency, totalMinor: 10_000))
                #expect(answer.status == .unprocessableContent)
                #expect(answer.isProblem)
                #expect(answer.errorPointers == ["/currency"])
                let detail = answer.json["errors"]?.array.first?["detail"]?.string ?? ""
                #expect(detail.contains("CNY") && detail.contains(currency), "\(detail)")
                let simulated = try await app.request(
                    .post, "/v1/rules/simulate", json: Self.order(id, currency: currency, totalMinor: 10_000))
                #expect(simulated.status == .unprocessableContent)
                #expect(simulated.errorPointers == ["/currency"])
            }
            #expect(try await app.rowCount("orders") == 0)
            #expect(try await app.rowCount("members") == 0)
            #expect(try await app.rowCount("point_lots") == 0)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aYenProgramReadsWholeYenAndSaysSo(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            #expect(try await app.request(.put, "/v1/program", json: ["currency": "JPY"]).status == .ok)
            // ¥10,000 has no minor unit: total_minor 10000 is ten thousand yen, 100 points at 1 per 100.
            let answer = try await app.request(
                .post, "/v1/orders", json: Self.order("JP-2", currency: "JPY", totalMinor: 10_000))
            #expect(answer.status == .created)
            let award = try #require(answer.json["points"]?["awards"]?.array.first)
            let reason = award["reason"]?.string ?? ""
            #expect(reason.contains("10000 JPY"), "\(reason)")
            #expect(!reason.contains("CNY"), "\(reason)")
            let refused = try await app.request(
                .post, "/v1/orders", json: Self.order("CN-1", currency: "CNY", totalMinor: 10_000))
            #expect(refused.errorPointers == ["/currency"])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theCurrencyIsFixedOnceAnOrderIsRecorded(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            // Before any order the currency may still be chosen.
            #expect(try await app.request(.put, "/v1/program", json: ["currency": "JPY"]).status == .ok)
            #expect(try await app.request(.put, "/v1/program", json: ["currency": "CNY"]).status == .ok)
            let recorded = try await app.request(
                .post, "/v1/orders", json: Self.order("CN-2", currency: "CNY", totalMinor: 10_000))
            #expect(recorded.status == .created)

            let changed = try await app.request(.put, "/v1/program", json: ["currency": "JPY"])
            #expect(changed.status == .unprocessableContent)
            #expect(changed.errorPointers == ["/currency"])
            let detail = changed.json["errors"]?.array.first?["detail"]?.string ?? ""
            #expect(detail.contains("CNY") && detail.contains("JPY"), "\(detail)")
            #expect(try await app.request(.get, "/v1/program").json["program"]?["currency"]?.string == "CNY")
            // The same currency again is no change and stays allowed.
            #expect(try await app.request(.put, "/v1/program", json: ["currency": "CNY"]).status == .ok)
        }
    }
}
