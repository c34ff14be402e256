import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PatronStore
import PatronTestSupport
import Testing

/// The service as a process: killed in the middle of a load it loses no acknowledged order and doubles none;
/// stopped with SIGTERM it finishes what it accepted and exits cleanly. Each order earns its whole yuan in points
/// (the default program; no member gets near a higher tier), so the points show doubling as well as the orders.
@Suite(.serialized) struct CrashRecoveryTests {
    static let members = 12
    static let workers = 8

    /// Order `number`: one line, ¥1–¥9, for one of a dozen members.
    static func order(_ number: Int) -> [String: Any] {
        let yuan = 1 + number % 9
        return [
            "order_id": "crash-\(number)", "member": ["external_id": "m-\(number % members)"],
            "occurred_at": "2026-11-01T10:00:00Z", "currency": "CNY", "channel": "store",
            "lines": [["sku": "TEA", "quantity": 1, "unit_price_minor": yuan * 100]], "total_minor": yuan * 100,
        ]
    }

    @Test(arguments: TestDatabase.engines)
    func killedUnderLoadItLosesNoAcknowledgedOrderAndDoublesNone(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let environment = ["PATRON_DATA_KEY": TestDatabase.makeDataKey()]
            let key = try Self.adminKey(url, environment)
            let client = HTTPClient.shared

            var server = try await ServerProcess.start(
                databaseURL: url.argument, environment: environment, client: client)
            let acknowledged = Shared<Set<Int>>([])
            let attempted = Shared(0)
            // Workers send orders until the server dies under them; the kill comes after 150 acknowledgements.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<Self.workers {
                    group.addTask { [server] in
                        var number = worker
                        while true {
                            attempted.update { $0 = max($0, number + 1) }
                            guard
                                let answer = try? await server.send(
                                    .POST, "/v1/orders", body: Self.order(number), key: key, client: client,
                                    timeout: .seconds(5))
                            else { return }
                            #expect([200, 201].contains(answer.status), "order \(number): \(answer.status)")
                            acknowledged.update { _ = $0.insert(number) }
                            number += Self.workers
                        }
                    }
                }
                while acknowledged.value.count < 150 { try await Task.sleep(for: .milliseconds(5)) }
                server.kill()
                try await group.waitForAll()
            }

            server = try await ServerProcess.start(databaseURL: url.argument, environment: environment, client: client)
            let kept = acknowledged.value
            for number in kept.sorted() {
                let found = try await server.send(.GET, "/v1/orders/crash-\(number)", key: key, client: client)
                #expect(found.status == 200, "acknowledged order \(number) is gone")
            }
            // Replaying every order that was sent, acknowledged or not, finds the stored ones and adds the rest once.
            let sent = attempted.value
            for number in 0..<sent {
                let replay = try await server.send(
                    .POST, "/v1/orders", body: Self.order(number), key: key, client: client, timeout: .seconds(5))
                if kept.contains(number) {
                    #expect(replay.status == 200, "replay of acknowledged order \(number): \(replay.status)")
                } else {
                    #expect([200, 201].contains(replay.status), "replay of order \(number): \(replay.status)")
                }
            }
            for member in 0..<Self.members {
                let numbers = (0..<sent).filter { $0 % Self.members == member }
                let lookup = try await server.send(
                    .GET, "/v1/members?external_id=m-\(member)", key: key, client: client)
                let memberID = try #require(((lookup.json["data"] as? [[String: Any]])?.first?["member_id"]) as? String)
                let orders = try await server.send(
                    .GET, "/v1/members/\(memberID)/orders?limit=500", key: key, client: client)
                #expect((orders.json["data"] as? [Any])?.count == numbers.count, "member m-\(member)")
                let points = try await server.send(.GET, "/v1/members/\(memberID)/points", key: key, client: client)
                #expect(
                    points.json["available"] as? Int == numbers.map { 1 + $0 % 9 }.reduce(0, +), "member m-\(member)")
            }
            server.kill()
        }
    }

    @Test(arguments: TestDatabase.engines)
    func sigtermFinishesAcceptedRequestsAndExitsCleanly(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let environment = ["PATRON_DATA_KEY": TestDatabase.makeDataKey()]
            let key = try Self.adminKey(url, environment)
            let client = HTTPClient.shared

            var server = try await ServerProcess.start(
                databaseURL: url.argument, environment: environment, client: client)
            let acknowledged = Shared<Set<Int>>([])
            let failures = Shared<[String]>([])
            let status = try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<Self.workers {
                    group.addTask { [server] in
                        var number = worker
                        while true {
                            let answer: (status: Int, json: [String: Any])
                            do {
                                answer = try await server.send(
                                    .POST, "/v1/orders", body: Self.order(number), key: key, client: client,
                                    timeout: .seconds(5))
                            } catch {
                                return  // refused or closed: the server has stopped taking requests
                            }
                            if [200, 201].contains(answer.status) {
                                acknowledged.update { _ = $0.insert(number) }
                            } else {
                                failures.update { $0.append("order \(number): \(answer.status)") }
                            }
                            number += Self.workers
                        }
                    }
                }
                while acknowledged.value.count < 100 { try await Task.sleep(for: .milliseconds(5)) }
                let status = try await server.terminate()
                try await group.waitForAll()
                return status
            }
            #expect(status == 0)
            #expect(failures.value.isEmpty)

            server = try await ServerProcess.start(databaseURL: url.argument, environment: environment, client: client)
            for number in acknowledged.value.sorted() {
                let found = try await server.send(.GET, "/v1/orders/crash-\(number)", key: key, client: client)
                #expect(found.status == 200, "acknowledged order \(number) is gone")
            }
            #expect(try await server.terminate() == 0)
        }
    }

    /// Migrates the database and makes an admin key with the CLI, whose last output line is the key.
    static func adminKey(_ url: DatabaseURL, _ environment: [String: String]) throws -> String {
        let output = try ServerProcess.run(
            ["keys", "create", "--name", "tests", "--scopes", "admin", "--database-url", url.argument],
            environment: environment)
        guard let key = output.split(separator: "\n").last.map(String.init), !key.isEmpty else {
            throw ProcessTestError("keys create printed no key")
        }
        return key.trimmingCharacters(in: .whitespaces)
    }
}
