import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// `patron import orders` as an operator runs it: a till's line-item export with good and bad orders, then the
/// same file again, and the same orders as JSON lines.
@Suite struct OrderImportCommandTests {
    static let csv = #"""
        order_id,external_id,occurred_at,currency,channel,store_id,sku,name,category,quantity,unit_price_minor,line_discount_minor,discount_minor,total_minor
        T-1,c-1,2026-06-01T10:00:00Z,CNY,store,SH-01,LATTE,"Latte, large",coffee,2,3200,,500,9000
        T-1,c-1,2026-06-01T10:00:00Z,CNY,store,SH-01,CAKE,Cake,food,1,3200,100,500,9000
        T-2,c-2,2026-06-02T10:00:00Z,USD,store,SH-01,LATTE,,coffee,1,3200,,,3200
        T-3,c-2,2026-06-03T10:00:00Z,CNY,store,SH-01,LATTE,,coffee,1,3200,,,3300
        T-4,c-3,2026-07-03T10:00:00Z,CNY,web,,TEA,,tea,x,3200,,,3200
        T-5,c-3,2026-07-03T10:00:00Z,CNY,web,,TEA,"Tea"x,tea,1,3200,,,3200
        T-6,c-3,2026-07-04T10:00:00Z,CNY,web,,TEA,,tea,10,100000,,,1000000

        """#

    static let jsonLines = #"""
        {"order_id":"J-1","member":{"external_id":"c-1"},"occurred_at":"2026-08-01T10:00:00Z","currency":"CNY","lines":[{"sku":"LATTE","quantity":1,"unit_price_minor":3200}],"total_minor":3200}
        not json
        {"order_id":"J-2","member_id":"mem_nobody","occurred_at":"2026-08-02T10:00:00Z","currency":"CNY","lines":[{"sku":"LATTE","quantity":1,"unit_price_minor":3200}],"total_minor":3200}

        """#

    @Test(arguments: TestDatabase.engines)
    func badOrdersAreReportedByLineTheRestAreRecordedOnce(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let key = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": key]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orders-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("till.csv")
            try Self.csv.write(to: file, atomically: true, encoding: .utf8)
            let report = directory.appendingPathComponent("refused.txt")
            let arguments = ["import", "orders", file.path, "--errors", report.path, "--database-url", url.argument]
            _ = try await ServerProcess.run(["migrate", "--database-url", url.argument], environment: environment)

            let first = try await PatronCommand.run(arguments, environment: environment)
            #expect(first.status == 2, "some orders were refused: \(first.errors)")
            #expect(first.output == "Recorded 2 orders; 0 already recorded; 4 refused.\n")
            #expect(
                try String(contentsOf: report, encoding: .utf8).split(separator: "\n") == [
                    "line 4: /currency: the program accepts amounts in CNY only; convert USD amounts to CNY before "
                        + "sending them",
                    "line 5: /total_minor: must equal the lines (3200) − discount_minor (0) + shipping_minor (0) = 3200",
                    "line 6: /lines/0/quantity: must be an integer, not string",
                    "line 7: a closing quote must be followed by a comma or the end of the line",
                ])
            let again = try await PatronCommand.run(arguments, environment: environment)
            #expect(again.output == "Recorded 0 orders; 2 already recorded; 4 refused.\n")

            let lines = directory.appendingPathComponent("more.jsonl")
            try Self.jsonLines.write(to: lines, atomically: true, encoding: .utf8)
            let json = try await PatronCommand.run(
                ["import", "orders", lines.path, "--errors", report.path, "--database-url", url.argument],
                environment: environment)
            #expect(json.status == 2)
            #expect(json.output == "Recorded 1 orders; 0 already recorded; 2 refused.\n")
            #expect(
                try String(contentsOf: report, encoding: .utf8).split(separator: "\n") == [
                    "line 2: not a JSON object", "line 3: /member_id: no member has the id mem_nobody",
                ])

            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let store = Store(
                database: database, protector: DataProtector(dataKey: try DataKey.parse(key, source: "test")))
            try await database.withRunning { _ in
                let member = try #require(try await store.member(externalID: "c-1"))
                let order = try #require(try await store.order(id: "T-1"))
                #expect(order.memberID == member.id)
                #expect(order.lines.map(\.name) == ["Latte, large", "Cake"])
                #expect(order.lines.map(\.discountMinor) == [0, 100])
                #expect(order.totalMinor == 9000)
                #expect(try await store.orders(memberID: member.id, after: nil, limit: 10).items.count == 2)
            }
        }
    }
}
