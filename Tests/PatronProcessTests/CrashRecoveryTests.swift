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
// A time limit turns a server that never answers or never stops into a failure that names the test.
@Suite(.serialized, .timeLimit(.minutes(5))) struct CrashRecoveryTests {
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
        try await Self.withServer(engine) { server, restart, key in
            let (_, load) = try await Self.load(on: server, key: key, stoppingAfter: 150) { await server.kill() }
            #expect(load.failures.isEmpty)

            let restarted = try await restart()
            try await Self.expectStored(load.acknowledged, on: restarted, key: key)
            // Replaying every order that was sent, acknowledged or not, finds the stored ones and adds the rest once.
            for number in 0..<load.sent {
                let replay = try await restarted.send(
                    .POST, "/v1/orders", body: Self.order(number), key: key, client: .shared)
                if load.acknowledged.contains(number) {
                    #expect(replay.status == 200, "replay of acknowledged order \(number): \(replay.status)")
                } else {
                    #expect([200, 201].contains(replay.status), "replay of order \(number): \(replay.status)")
                }
            }
            for member in 0..<Self.members {
                let numbers = (0..<load.sent).filter { $0 % Self.members == member }
                let lookup = try await restarted.send(
                    .GET, "/v1/members?external_id=m-\(member)", key: key, client: .shared)
                let memberID = try #require(((lookup.json["data"] as? [[String: Any]])?.first?["member_id"]) as? String)
                let orders = try await restarted.send(
                    .GET, "/v1/members/\(memberID)/orders?limit=500", key: key, client: .shared)
                #expect((orders.json["data"] as? [Any])?.count == numbers.count, "member m-\(member)")
                let points = try await restarted.send(
                    .GET, "/v1/members/\(memberID)/points", key: key, client: .shared)
                #expect(
                    points.json["available"] as? Int == numbers.map { 1 + $0 % 9 }.reduce(0, +), "member m-\(member)")
            }
            await restarted.kill()
        }
    }

    @Test(arguments: TestDatabase.engines)
    func sigtermFinishesAcceptedRequestsAndExitsCleanly(engine: DatabaseEngine) async throws {
        try await Self.withServer(engine) { server, restart, key in
            let (status, load) = try await Self.load(on: server, key: key, stoppingAfter: 100) {
                try await server.terminate()
            }
            #expect(status == 0)
            #expect(load.failures.isEmpty)

            let restarted = try await restart()
            try await Self.expectStored(load.acknowledged, on: restarted, key: key)
            #expect(try await restarted.terminate() == 0)
        }
    }

    /// What a load of orders saw: the orders acknowledged, how many were sent, and any answer other than 200/201
    /// or failed request before the server was stopped.
    struct LoadOutcome {
        var acknowledged: Set<Int>
        var sent: Int
        var failures: [String]
        var stopping = false
        var workersLeft = workers
    }

    /// Sends orders from several tasks until the server stops answering; once `threshold` orders are acknowledged,
    /// runs `stop` (which ends the server) and returns what it returned with what the load saw. Throws when every
    /// task has given up before the threshold, rather than waiting for acknowledgements that cannot come.
    static func load<Stopped: Sendable>(
        on server: ServerProcess, key: String, stoppingAfter threshold: Int,
        _ stop: @escaping @Sendable () async throws -> Stopped
    ) async throws -> (Stopped, LoadOutcome) {
        let outcome = Shared(LoadOutcome(acknowledged: [], sent: 0, failures: []))
        let stopped = try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    defer { outcome.update { $0.workersLeft -= 1 } }
                    var number = worker
                    while true {
                        outcome.update { $0.sent = max($0.sent, number + 1) }
                        let answer: (status: Int, json: [String: Any])
                        do {
                            answer = try await server.send(
                                .POST, "/v1/orders", body: order(number), key: key, client: .shared)
                        } catch {
                            // Once the server is being stopped a request can only fail; before, it must not.
                            outcome.update {
                                if !$0.stopping { $0.failures.append("order \(number): \(error)") }
                            }
                            return
                        }
                        outcome.update {
                            if [200, 201].contains(answer.status) {
                                $0.acknowledged.insert(number)
                            } else {
                                $0.failures.append("order \(number): \(answer.status)")
                            }
                        }
                        number += workers
                    }
                }
            }
            while outcome.value.acknowledged.count < threshold {
                let seen = outcome.value
                guard seen.workersLeft > 0 else {
                    throw ProcessTestError(
                        "the load stopped after \(seen.acknowledged.count) acknowledged orders: \(seen.failures)")
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            outcome.update { $0.stopping = true }
            let stopped = try await stop()
            // The server has exited: what is still being sent can only fail, and the client would go on trying
            // to connect until the request's deadline.
            group.cancelAll()
            try await group.waitForAll()
            return stopped
        }
        return (stopped, outcome.value)
    }

    /// Expects every one of `numbers` to be stored.
    static func expectStored(_ numbers: Set<Int>, on server: ServerProcess, key: String) async throws {
        for number in numbers.sorted() {
            let found = try await server.send(.GET, "/v1/orders/crash-\(number)", key: key, client: .shared)
            #expect(found.status == 200, "acknowledged order \(number) is gone")
        }
    }

    /// Runs `body` with a server on a fresh database, a way to start it again on the same database, and an admin
    /// key.
    static func withServer(
        _ engine: DatabaseEngine,
        _ body:
            @escaping @Sendable (ServerProcess, @Sendable () async throws -> ServerProcess, String) async throws
            -> Void
    ) async throws {
        try await TestDatabase.withURL(engine) { url in
            let environment = ["PATRON_DATA_KEY": TestDatabase.makeDataKey()]
            let key = try await adminKey(url, environment)
            let start = { @Sendable in
                try await ServerProcess.start(databaseURL: url.argument, environment: environment, client: .shared)
            }
            try await body(try await start(), start, key)
        }
    }

    /// Migrates the database and makes an admin key with the CLI, whose last output line is the key.
    static func adminKey(_ url: DatabaseURL, _ environment: [String: String]) async throws -> String {
        let output = try await ServerProcess.run(
            ["keys", "create", "--name", "tests", "--scopes", "admin", "--database-url", url.argument],
            environment: environment)
        guard let key = output.split(separator: "\n").last.map(String.init), !key.isEmpty else {
            throw ProcessTestError("keys create printed no key")
        }
        return key.trimmingCharacters(in: .whitespaces)
    }
}
