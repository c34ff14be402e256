import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// Budgets per key, person and address: a flood from one key is refused cheaply and leaves other keys alone, the
/// headers say how much is left, and nodes on one database spend one budget.
@Suite struct RateLimitTests {
    static func event(_ number: Int, by user: String) -> JSONValue {
        ["type": "track", "user_id": .string(user), "event": "visit", "message_id": .string("\(user)-\(number)")]
    }

    @Test(arguments: TestDatabase.engines)
    func aFloodFromOneKeyLeavesAnotherKeyAlone(engine: DatabaseEngine) async throws {
        let limits = RateLimits(budgets: [.signIn: 30, .read: 1_000, .write: 100])
        try await TestApplication.run(engine, rateLimits: limits) { app in
            let (_, flooder) = try await app.store.createAPIKey(name: "runaway sync", scopes: [.eventsWrite])
            let (_, till) = try await app.store.createAPIKey(name: "till", scopes: [.eventsWrite])
            let statuses = Shared([Int: Int]())
            let retries = Shared(Set<String>())
            let tillStatuses = Shared([HTTPResponse.Status]())
            let firstWindow = limits.window(at: WallClock.system.now)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for number in stride(from: worker, to: 10_000, by: 16) {
                            let answer = try await app.request(
                                .post, "/v1/events", json: Self.event(number, by: "flood"), key: flooder)
                            statuses.update { $0[Int(answer.status.code), default: 0] += 1 }
                            if answer.status == .tooManyRequests {
                                retries.update { $0.insert(answer.headers[.retryAfter] ?? "missing") }
                            }
                        }
                    }
                }
                group.addTask {
                    for number in 0..<50 {
                        let answer = try await app.request(
                            .post, "/v1/events", json: Self.event(number, by: "till"), key: till)
                        tillStatuses.update { $0.append(answer.status) }
                    }
                }
                try await group.waitForAll()
            }
            // Each minute the flood lasts gives the flooder a new budget: on a loaded machine it may last several.
            let windows = Int((limits.window(at: WallClock.system.now) - firstWindow) / limits.windowSeconds) + 1
            let admitted = statuses.value[202, default: 0]
            #expect(admitted >= 100 && admitted <= 100 * windows, "\(statuses.value) in \(windows) window(s)")
            #expect(statuses.value[429, default: 0] == 10_000 - admitted)
            #expect(!retries.value.contains("missing") && retries.value.allSatisfy { (Int($0) ?? 0) >= 1 })
            #expect(tillStatuses.value.count == 50 && tillStatuses.value.allSatisfy { $0 == .accepted })
            // Refused requests never reached the database.
            #expect(try await app.rowCount("events") == admitted + 50)

            let read = try await app.request(.get, "/v1/auth/session", key: till)
            #expect(read.headers[RateLimitMiddleware.policyHeader] == "\"read\";q=1000;w=60")
            let remaining = try #require(read.headers[RateLimitMiddleware.header])
            #expect(remaining.hasPrefix("\"read\";r=999;t="))
        }
    }

    @Test(arguments: TestDatabase.engines)
    func nodesOnOneDatabaseSpendOneBudget(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let limits = RateLimits(budgets: [.write: 100])
            let nodes = [RateLimiter(limits: limits), RateLimiter(limits: limits), RateLimiter(limits: limits)]
            let now = store.clock.now
            let window = limits.window(at: now)
            let thresholds = limits.sharedFromByClass
            func exchange(_ node: RateLimiter) async throws {
                node.absorb(
                    try await store.exchangeRequestCounts(
                        node.takeUnreported(), window: window, sharedFrom: thresholds, forgetBefore: 0))
            }
            for node in nodes.prefix(2) {
                for _ in 0..<70 { #expect(node.admit(subject: "key_1", .write, at: now).allowed) }
            }
            for node in nodes { try await exchange(node) }
            // The second node's exchange saw all 140, and so did the third's, which had admitted nothing: an idle
            // node learns of a busy subject too. The first learns of them at its next exchange: a node may admit
            // what comes in between two exchanges beyond the budget, a quarter second's worth.
            #expect(!nodes[1].admit(subject: "key_1", .write, at: now).allowed)
            #expect(!nodes[2].admit(subject: "key_1", .write, at: now).allowed)
            #expect(nodes[0].admit(subject: "key_1", .write, at: now).allowed)
            try await exchange(nodes[0])
            #expect(!nodes[0].admit(subject: "key_1", .write, at: now).allowed)
            // Another subject and another class have their own budgets; a subject below a tenth of its budget
            // everywhere is not sent to nodes that have not seen it.
            #expect(nodes[0].admit(subject: "key_2", .write, at: now).allowed)
            #expect(nodes[0].admit(subject: "key_1", .read, at: now).allowed)
            try await exchange(nodes[0])
            try await exchange(nodes[2])
            #expect(nodes[2].admit(subject: "key_2", .write, at: now).remaining == 99)
        }
    }

    @Test func budgetsParseAndWindowsReset() throws {
        let limits = try #require(RateLimits.parse("read=10, write=5"))
        #expect(limits.budgets == [.signIn: 30, .read: 10, .write: 5])
        #expect(RateLimits.parse("write=0") == nil && RateLimits.parse("reads=5") == nil)
        let now = Timestamp(millisecondsSinceEpoch: 1_796_000_045_500)
        let last = limits.decide(.write, count: 5, at: now)
        #expect(last.allowed && last.limit == 5 && last.remaining == 0 && last.resetSeconds == 55)
        #expect(!limits.decide(.write, count: 6, at: now).allowed)
    }
}
