import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// `patron surveys send` as a marketer runs it once a quarter: a dry run, the sending, and a second run that
/// asks nobody twice.
@Suite struct SurveysCommandTests {
    @Test(arguments: TestDatabase.engines)
    func aSegmentIsInvitedOnceAndADryRunChangesNothing(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let dataKey = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": dataKey]
            let database = ["--database-url", url.argument]
            let opened = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            try await opened.withRunning { database in
                try await Migrations.migrate(database)
                let store = Store(
                    database: database, protector: DataProtector(dataKey: try DataKey.parse(dataKey, source: "test")))
                let placed = WallClock.system.milliseconds - 86_400_000
                for buyer in ["ann", "bo", "cai"] {
                    let order = try OrderSubmission.parse(
                        [
                            "order_id": .string("O-\(buyer)"), "member": ["external_id": .string(buyer)],
                            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: placed).rfc3339),
                            "currency": "CNY", "lines": [["sku": "TEA", "quantity": 1, "unit_price_minor": 3_000]],
                            "total_minor": 3_000,
                        ], receivedAt: Timestamp(millisecondsSinceEpoch: placed))
                    _ = try await store.recordOrder(order, fingerprint: buyer)
                }
            }
            let send = ["surveys", "send", "--segment", "all", "--kind", "nps", "--channel", "sms"] + database
            let dry = try await PatronCommand.run(send + ["--dry-run"], environment: environment)
            #expect(dry.status == 0, "\(dry.errors)")
            #expect(dry.output.hasPrefix("3 members in all segments: 3 would be invited (dry run"), "\(dry.output)")
            let sent = try await PatronCommand.run(send, environment: environment)
            #expect(sent.output.hasPrefix("3 members in all segments: 3 invited, 0 asked"), "\(sent.output)")
            let again = try await PatronCommand.run(send, environment: environment)
            #expect(again.output.contains("0 invited, 3 asked within the program's interval"), "\(again.output)")

            let wrong = try await PatronCommand.run(
                ["surveys", "send", "--segment", "Whales"] + database, environment: environment)
            #expect(wrong.status != 0)
            #expect(wrong.errors.contains("--segment must be all or one of: Champions"), "\(wrong.errors)")
        }
    }
}
