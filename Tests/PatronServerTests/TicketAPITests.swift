import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Tickets as feedback opens them and agents work them: deadlines that start, stop for the customer, are met by
/// answers and come back when the customer writes again.
@Suite struct TicketAPITests {
    static func feedback(_ id: String, member: String, rating: Int) -> JSONValue {
        [
            "feedback_id": .string(id), "channel": "store", "member_id": .string(member),
            "rating": .number(Double(rating)),
        ]
    }

    @Test(arguments: TestDatabase.engines)
    func feedbackThatNeedsAPersonOpensATicketWithDeadlines(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let regular = try await app.newMember("regular")
            let diamond = try await app.memberWithPoints("diamond", totalMinor: 2_000_000)
            let angry = try await app.request(
                .post, "/v1/feedback", json: Self.feedback("F-1", member: regular, rating: 1))
            let ticketID = try #require(angry.json["ticket_id"]?.string, "\(angry.text)")
            let ticket = try await app.request(.get, "/v1/tickets/\(ticketID)").json
            #expect(ticket["priority"] == "high" && ticket["state"] == "open" && ticket["queue"] == "service")
            #expect(ticket["feedback_id"] == "F-1" && ticket["member_id"]?.string == regular)
            let opened = try #require(ticket["opened_at"]?.string.flatMap(Timestamp.init(rfc3339:)))
            let deadlines = ticket["deadlines"]?.array ?? []
            #expect(deadlines.map { $0["kind"] } == ["first_response", "resolution"])
            // Clock hours by default: high is answered within 8 hours and resolved within 48.
            #expect(
                deadlines.first?["due_at"]?.string.flatMap(Timestamp.init(rfc3339:))?.millisecondsSinceEpoch
                    == opened.millisecondsSinceEpoch + 8 * 3_600_000)
            #expect(
                deadlines.first?["warn_at"]?.string.flatMap(Timestamp.init(rfc3339:))?.millisecondsSinceEpoch
                    == opened.millisecondsSinceEpoch + 8 * 3_600_000 * 4 / 5)
            #expect(ticket["events"]?.array.first?["kind"] == "opened")

            // Three stars need no person from a regular member; from the top tier they do, and never below high.
            let middling = try await app.request(
                .post, "/v1/feedback", json: Self.feedback("F-2", member: regular, rating: 3))
            #expect(middling.json["ticket_id"] == .null)
            let vip = try await app.request(
                .post, "/v1/feedback", json: Self.feedback("F-3", member: diamond, rating: 3))
            let vipTicket = try #require(vip.json["ticket_id"]?.string, "\(vip.text)")
            #expect(try await app.request(.get, "/v1/tickets/\(vipTicket)").json["priority"] == "high")
            let replay = try await app.request(
                .post, "/v1/feedback", json: Self.feedback("F-3", member: diamond, rating: 3))
            #expect(replay.status == .ok && replay.json["ticket_id"]?.string == vipTicket, "a replay opens nothing")

            let open = try await app.request(.get, "/v1/tickets?state=open")
            #expect(open.json["data"]?.array.compactMap { $0["ticket_id"]?.string } == [ticketID, vipTicket])
            #expect(try await app.request(.get, "/v1/tickets?state=done").status == .unprocessableContent)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func answersMeetTargetsAndTheCustomersSilenceStopsTheClock(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let member = try await app.newMember("m")
            let opened = try await app.request(
                .post, "/v1/tickets", json: ["subject": "发票开错了", "member_id": .string(member), "priority": "urgent"],
                idempotencyKey: "open-1")
            #expect(opened.status == .created, "\(opened.text)")
            let ticketID = try #require(opened.json["ticket_id"]?.string)
            let again = try await app.request(
                .post, "/v1/tickets", json: ["subject": "发票开错了", "member_id": .string(member), "priority": "urgent"],
                idempotencyKey: "open-1")
            #expect(again.status == .ok && again.json["ticket_id"]?.string == ticketID)
            #expect(opened.json["subject"] == "发票开错了")
            func deadline(_ ticket: JSONValue, _ kind: String) -> JSONValue? {
                ticket["deadlines"]?.array.first { $0["kind"]?.string == kind }
            }
            func send(_ kind: String, _ body: String, key: String) async throws -> TestResponse {
                try await app.request(
                    .post, "/v1/tickets/\(ticketID)/messages", json: ["kind": .string(kind), "body": .string(body)],
                    idempotencyKey: key)
            }
            func move(_ state: String) async throws -> TestResponse {
                try await app.request(.post, "/v1/tickets/\(ticketID)/state", json: ["state": .string(state)])
            }

            let note = try await send("note", "check the till log", key: "n-1")
            #expect(deadline(note.json, "first_response")?["met_at"] == .null, "a note answers nobody")
            let reply = try await send("reply", "我们马上为您重开发票", key: "r-1")
            #expect(reply.status == .created)
            #expect(deadline(reply.json, "first_response")?["met_at"] != .null)
            #expect(reply.json["first_responded_at"] != .null)
            #expect(try await send("reply", "我们马上为您重开发票", key: "r-1").status == .ok, "a retry adds nothing")

            // Waiting on the customer: the resolution clock stops.
            let pending = try await move("pending")
            #expect(pending.json["state"] == "pending")
            #expect(deadline(pending.json, "resolution")?["due_at"] == .null)
            // The customer answers: open again, the clock runs on, and the next reply is due.
            let answer = try await send("customer", "抬头是上海某某公司", key: "c-1")
            #expect(answer.json["state"] == "open")
            #expect(deadline(answer.json, "resolution")?["due_at"] != .null)
            #expect(deadline(answer.json, "next_response")?["met_at"] == .null)
            #expect(deadline(answer.json, "next_response")?["due_at"] != .null)
            let resolved = try await move("resolved")
            #expect(resolved.json["resolved_at"] != .null)
            #expect(resolved.json["deadlines"]?.array.allSatisfy { $0["met_at"] != .null } == true)
            // A new message reopens it; the resolution target takes up the time it had already run.
            let reopened = try await send("customer", "还没收到", key: "c-2")
            #expect(reopened.json["state"] == "open" && reopened.json["resolved_at"] == .null)
            #expect(deadline(reopened.json, "resolution")?["met_at"] == .null)
            #expect(try await move("resolved").status == .ok)
            #expect(try await move("closed").json["closed_at"] != .null)
            #expect(try await move("closed").status == .ok, "moving to its own state changes nothing")
            #expect(try await move("open").status == .conflict)
            #expect(try await send("customer", "hello?", key: "c-3").status == .conflict)

            let full = try await app.request(.get, "/v1/tickets/\(ticketID)").json
            #expect(
                full["messages"]?.array.compactMap { $0["kind"]?.string }
                    == ["note", "reply", "customer", "customer"])
            #expect(full["events"]?.array.compactMap { $0["detail"]?.string }.contains("open → pending") == true)
            #expect(try await app.request(.get, "/v1/tickets/tkt_nope").status == .notFound)
            let noKey = try await app.request(
                .post, "/v1/tickets/\(ticketID)/messages", json: ["kind": "note", "body": "x"])
            #expect(noKey.status == .badRequest)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func theAgentSeesTheMembersWholeStoryOnTheTicket(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let zhou = try await app.memberWithPoints("zhou", totalMinor: 12_800)
            let consent = try await app.request(
                .put, "/v1/members/\(zhou)/consents",
                json: ["consents": [["purpose": "marketing", "channel": "sms", "state": "granted", "source": "app"]]])
            #expect(consent.status == .ok, "\(consent.text)")
            let earlier = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "F-old", "channel": "app", "member_id": .string(zhou), "rating": 5])
            #expect(earlier.status == .created)
            let invited = try await app.request(
                .post, "/v1/surveys/invitations", json: ["member_id": .string(zhou), "kind": "nps"],
                idempotencyKey: "nps-zhou")
            #expect(invited.status == .created)
            let complaint = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "F-new", "channel": "phone", "member_id": .string(zhou), "rating": 1])
            let ticketID = try #require(complaint.json["ticket_id"]?.string)

            let story = try await app.request(.get, "/v1/tickets/\(ticketID)/member")
            #expect(story.status == .ok, "\(story.text)")
            let json = story.json
            #expect(json["member"]?["member_id"]?.string == zhou && json["member"]?["external_id"] == "zhou")
            #expect((json["points"]?["available"]?.integer ?? 0) > 0, "the order earned points")
            #expect(json["orders"]?.array.map { $0["order_id"] } == ["O-zhou"])
            #expect(json["feedback"]?.array.map { $0["feedback_id"] } == ["F-new", "F-old"])
            #expect(json["tickets"]?.array.map { $0["ticket_id"]?.string } == [ticketID])
            #expect(json["surveys"]?.array.map { $0["kind"] } == ["nps"])
            #expect(json["consents"]?.array.map { $0["channel"] } == ["sms"])

            // A ticket about nobody known has no story to show.
            let walkIn = try await app.request(
                .post, "/v1/tickets", json: ["subject": "Lost umbrella"], idempotencyKey: "walk-in")
            let walkInID = try #require(walkIn.json["ticket_id"]?.string)
            #expect(try await app.request(.get, "/v1/tickets/\(walkInID)/member").status == .notFound)
            #expect(try await app.request(.get, "/v1/tickets/tkt_NONE/member").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func anAgentMakesGoodOnATicketWithinTheirRolesLimit(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            #expect(try await app.request(.post, "/v1/rewards", json: coffeeCoupon).status == .created)
            let he = try await app.memberWithPoints("he", totalMinor: 6400)
            let complaint = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "F-1", "channel": "store", "member_id": .string(he), "rating": 1])
            let ticketID = try #require(complaint.json["ticket_id"]?.string)
            let before = try #require(try await app.available(he))
            let agent = try await AccessAPITests.signedIn(app, "agent@example.cn", role: "agent")
            let path = "/v1/tickets/\(ticketID)/compensation"

            let apology: JSONValue = ["points": 300, "reward_id": "COFFEE-5", "reason": "咖啡洒了，抱歉"]
            let given = try await agent.request(.post, path, json: apology, idempotencyKey: "comp-1")
            #expect(given.status == .created, "\(given.text)")
            #expect(given.json["events"]?.array.last?["kind"] == "compensation")
            #expect(given.json["events"]?.array.last?["detail"] == "300 points and reward COFFEE-5")
            #expect(try await app.available(he) == before + 300)
            let journal = try await app.request(.get, "/v1/members/\(he)/points").json["entries"]?.array ?? []
            #expect(journal.first?["reason"] == "咖啡洒了，抱歉", "the member sees why")
            let coupons = try await app.request(.get, "/v1/members/\(he)/redemptions").json["redemptions"]?.array ?? []
            #expect(coupons.map { $0["source"] } == ["goodwill"])

            // Once per request; the key is not reused for something else.
            let replay = try await agent.request(.post, path, json: apology, idempotencyKey: "comp-1")
            #expect(replay.status == .ok)
            #expect(try await app.available(he) == before + 300)
            let reused = try await agent.request(
                .post, path, json: ["points": 10, "reason": "again"], idempotencyKey: "comp-1")
            #expect(reused.status == .conflict)

            // 460 points and a 50-point coupon is more than an agent's 500 at a time; an admin key has no limit.
            let over: JSONValue = ["points": 460, "reward_id": "COFFEE-5", "reason": "large"]
            #expect(try await agent.request(.post, path, json: over, idempotencyKey: "comp-2").status == .forbidden)
            #expect(try await app.request(.post, path, json: over, idempotencyKey: "comp-2").status == .created)

            let nothing = try await agent.request(.post, path, json: ["reason": "?"], idempotencyKey: "comp-3")
            #expect(nothing.status == .unprocessableContent && nothing.errorPointers == ["/points"])
            let unknown = try await agent.request(
                .post, path, json: ["reward_id": "NOPE", "reason": "?"], idempotencyKey: "comp-4")
            #expect(unknown.status == .unprocessableContent && unknown.errorPointers == ["/reward_id"])
            let walkIn = try await app.request(
                .post, "/v1/tickets", json: ["subject": "Broken chair"], idempotencyKey: "walk-in")
            let walkInID = try #require(walkIn.json["ticket_id"]?.string)
            let nobody = try await agent.request(
                .post, "/v1/tickets/\(walkInID)/compensation", json: ["points": 5, "reason": "sorry"],
                idempotencyKey: "comp-5")
            #expect(nobody.status == .conflict, "\(nobody.text)")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func feedbackThatOpensATicketIsAcknowledgedOnceAndAutomaticAnswersChangeNothing(
        engine: DatabaseEngine
    )
        async throws
    {
        try await TestApplication.run(engine) { app in
            let lin = try await app.newMember("lin")
            let filed = try await app.request(
                .post, "/v1/feedback",
                json: [
                    "feedback_id": "F-1", "channel": "email", "member_id": .string(lin), "rating": 1, "language": "en",
                ])
            let ticketID = try #require(filed.json["ticket_id"]?.string)
            let opened = try await app.request(.get, "/v1/tickets/\(ticketID)").json
            let messages = opened["messages"]?.array ?? []
            #expect(messages.map { $0["kind"] } == ["acknowledgement"] && messages.first?["author"] == "patron")
            #expect(
                messages.first?["body"]?.string
                    == "We have received your feedback (ticket \(ticketID)). A member of our team will reply to you "
                    + "in person soon. Thank you for telling us.")

            // The agent asks a question and waits; an out-of-office answer is kept and changes nothing.
            for (index, kind) in ["reply", "automatic"].enumerated() {
                if index == 1 {
                    let pending = try await app.request(
                        .post, "/v1/tickets/\(ticketID)/state", json: ["state": "pending"])
                    #expect(pending.json["state"] == "pending")
                }
                let added = try await app.request(
                    .post, "/v1/tickets/\(ticketID)/messages",
                    json: ["kind": .string(kind), "body": .string(kind == "reply" ? "Which store?" : "I am away")],
                    idempotencyKey: "m-\(index)")
                #expect(added.status == .created, "\(added.text)")
            }
            let after = try await app.request(.get, "/v1/tickets/\(ticketID)").json
            #expect(after["state"] == "pending")
            #expect(after["messages"]?.array.map { $0["kind"] } == ["acknowledgement", "reply", "automatic"])
            #expect(
                !(after["deadlines"]?.array ?? []).contains { $0["kind"] == "next_response" },
                "nobody is asked to answer an automatic message")
            let forged = try await app.request(
                .post, "/v1/tickets/\(ticketID)/messages", json: ["kind": "acknowledgement", "body": "Got it"],
                idempotencyKey: "m-forged")
            #expect(forged.status == .unprocessableContent && forged.errorPointers == ["/kind"])

            // Nobody to tell, or a program that sends none: no acknowledgement.
            let anonymous = try await app.request(
                .post, "/v1/feedback", json: ["feedback_id": "F-2", "channel": "web", "rating": 1])
            let anonymousTicket = try #require(anonymous.json["ticket_id"]?.string)
            #expect(try await app.request(.get, "/v1/tickets/\(anonymousTicket)").json["messages"] == [])
            let program = try await app.request(.get, "/v1/program")
            let current = try #require(program.json["program"])
            let changed = current.setting("service", (current["service"] ?? [:]).setting("acknowledgement", .null))
            let saved = try await app.request(
                .put, "/v1/program", json: changed, ifMatch: try #require(program.headers[.eTag]))
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.json["program"]?["service"]?["acknowledgement"] == .null)
            let quiet = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "F-3", "channel": "app", "member_id": .string(lin), "rating": 2])
            let quietTicket = try #require(quiet.json["ticket_id"]?.string)
            #expect(try await app.request(.get, "/v1/tickets/\(quietTicket)").json["messages"] == [])
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aDuplicateIsMergedIntoTheTicketThatGoesOn(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let qian = try await app.newMember("qian")
            let sun = try await app.newMember("sun")
            func ticket(_ feedbackID: String, _ member: String) async throws -> String {
                let filed = try await app.request(
                    .post, "/v1/feedback",
                    json: [
                        "feedback_id": .string(feedbackID), "channel": "app", "member_id": .string(member), "rating": 1,
                    ])
                return try #require(filed.json["ticket_id"]?.string, "\(filed.text)")
            }
            let kept = try await ticket("F-1", qian)
            let duplicate = try await ticket("F-2", qian)
            let other = try await ticket("F-3", sun)
            let said = try await app.request(
                .post, "/v1/tickets/\(duplicate)/messages", json: ["kind": "customer", "body": "同一个问题，第二次"],
                idempotencyKey: "dup-said")
            #expect(said.status == .created)

            let merged = try await app.request(.post, "/v1/tickets/\(duplicate)/merge", json: ["into": .string(kept)])
            #expect(merged.status == .ok, "\(merged.text)")
            #expect(merged.json["ticket_id"]?.string == kept)
            let bodies = merged.json["messages"]?.array.compactMap { $0["body"]?.string } ?? []
            #expect(bodies.contains("同一个问题，第二次") && bodies.count == 3, "two acknowledgements and the message")
            let closed = try await app.request(.get, "/v1/tickets/\(duplicate)").json
            #expect(closed["state"] == "closed" && closed["merged_into"]?.string == kept)
            #expect(closed["deadlines"]?.array.allSatisfy { $0["met_at"] != .null } == true, "its clocks stopped")
            let again = try await app.request(.post, "/v1/tickets/\(duplicate)/merge", json: ["into": .string(kept)])
            #expect(again.status == .ok && again.json["messages"]?.array.count == 3, "merging again adds nothing")

            for (from, into) in [(kept, other), (kept, kept), (other, duplicate)] {
                let refused = try await app.request(.post, "/v1/tickets/\(from)/merge", json: ["into": .string(into)])
                #expect(refused.status == .conflict, "\(from) into \(into): \(refused.text)")
            }
            let missing = try await app.request(.post, "/v1/tickets/\(kept)/merge", json: ["into": "tkt_NONE"])
            #expect(missing.status == .notFound)
        }
    }
}
