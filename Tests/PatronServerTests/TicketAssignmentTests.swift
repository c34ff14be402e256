import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Tickets reach someone: routed to a queue by store and topic, given to the queue's least busy member (round
/// robin among equals), handed to a supervisor when a target is missed, and moved by hand.
@Suite struct TicketAssignmentTests {
    @Test(arguments: TestDatabase.engines)
    func ticketsAreRoutedAndGivenToTheLeastBusyMemberOfTheirQueue(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            var agents: [String] = []
            for name in ["ana", "bei", "chu"] {
                agents.append(try await AccessAPITests.signedIn(app, "\(name)@example.cn", role: "agent").userID)
            }
            let service = agents[0...1].sorted()
            let set = try await app.request(
                .put, "/v1/ticket-queues/service", json: ["members": .array(service.map(JSONValue.string))])
            #expect(set.status == .ok && set.json["members"]?.array.compactMap(\.string) == service, "\(set.text)")
            for queue in ["shanghai", "supervisors"] {
                let other = try await app.request(
                    .put, "/v1/ticket-queues/\(queue)", json: ["members": [.string(agents[2])]])
                #expect(other.status == .ok)
            }
            let program = try await app.request(.get, "/v1/program")
            let current = try #require(program.json["program"])
            let routed = current.setting(
                "service", (current["service"] ?? [:]).setting("routing", [["queue": "shanghai", "stores": ["SH-01"]]]))
            let saved = try await app.request(
                .put, "/v1/program", json: routed, ifMatch: try #require(program.headers[.eTag]))
            #expect(saved.status == .ok, "\(saved.text)")

            func complaint(_ id: String, store: String? = nil) async throws -> JSONValue {
                var body: JSONValue = ["feedback_id": .string(id), "channel": "web", "rating": 1]
                if let store { body = body.setting("store_id", .string(store)) }
                let filed = try await app.request(.post, "/v1/feedback", json: body)
                let ticketID = try #require(filed.json["ticket_id"]?.string, "\(filed.text)")
                return try await app.request(.get, "/v1/tickets/\(ticketID)").json
            }
            // Equal loads go round: the first two to each, the third to whoever was given one longest ago.
            let tickets = [try await complaint("F-1"), try await complaint("F-2"), try await complaint("F-3")]
            #expect(tickets.map { $0["queue"] } == ["service", "service", "service"])
            #expect(tickets.compactMap { $0["assignee"]?.string } == [service[0], service[1], service[0]])
            let shanghai = try await complaint("F-4", store: "SH-01")
            #expect(shanghai["queue"] == "shanghai" && shanghai["assignee"]?.string == agents[2])

            // Bei now holds one ticket and Ana two: Ana's resolved one frees her, so loads are equal again.
            let first = try #require(tickets[0]["ticket_id"]?.string)
            let resolved = try await app.request(
                .post, "/v1/tickets/\(first)/state", json: ["state": "resolved"])
            #expect(resolved.status == .ok)
            let next = try await complaint("F-5")
            #expect(next["assignee"]?.string == service[1], "equal loads: Bei was given one longer ago")

            // By hand: to a person, or to another queue.
            let second = try #require(tickets[1]["ticket_id"]?.string)
            let handed = try await app.request(
                .post, "/v1/tickets/\(second)/assignment", json: ["assignee": .string(agents[2])])
            #expect(handed.json["assignee"]?.string == agents[2] && handed.json["queue"] == "service")
            let moved = try await app.request(
                .post, "/v1/tickets/\(second)/assignment", json: ["queue": "empty-queue"])
            #expect(moved.json["queue"] == "empty-queue" && moved.json["assignee"] == .null, "nobody works it")
            let nobody = try await app.request(
                .post, "/v1/tickets/\(second)/assignment", json: ["assignee": "usr_NOBODY"])
            #expect(nobody.status == .unprocessableContent && nobody.errorPointers == ["/assignee"])
            let unknown = try await app.request(.put, "/v1/ticket-queues/x", json: ["members": ["usr_NOBODY"]])
            #expect(unknown.status == .unprocessableContent && unknown.errorPointers == ["/members"])

            let queues = try await app.request(.get, "/v1/ticket-queues").json["data"]?.array ?? []
            let byName = Dictionary(uniqueKeysWithValues: queues.compactMap { q in q["queue"]?.string.map { ($0, q) } })
            #expect(byName["service"]?["waiting"] == 2 && byName["service"]?["unassigned"] == 0)
            #expect(byName["empty-queue"]?["waiting"] == 1 && byName["empty-queue"]?["unassigned"] == 1)
            let mine = try await app.request(.get, "/v1/tickets?assignee=\(service[1])").json["data"]?.array ?? []
            #expect(mine.count == 1)

            // A missed target hands the ticket to the supervisors' least busy member.
            let later = Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds + 30 * 86_400_000)
            _ = try await app.store.fireDeadlines(asOf: later)
            let third = try #require(tickets[2]["ticket_id"]?.string)
            let escalated = try await app.request(.get, "/v1/tickets/\(third)").json
            #expect(escalated["queue"] == "supervisors" && escalated["assignee"]?.string == agents[2])
        }
    }
}
