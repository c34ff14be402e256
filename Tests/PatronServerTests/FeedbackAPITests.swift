import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Feedback as a till, an app and a member's own token send it: assessed on arrival, sealed at rest, idempotent,
/// and every bad input refused at its pointer with nothing written.
@Suite struct FeedbackAPITests {
    @Test(arguments: TestDatabase.engines)
    func feedbackIsAssessedSealedAndRecordedOnce(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let wang = try await app.newMember("wang")
            let complaint: JSONValue = [
                "feedback_id": "F-1", "channel": "store", "member_id": .string(wang), "store_id": "SH-01",
                "order_id": "A-1", "rating": 4, "language": "en", "tags": ["dinner"],
                "text": "Tasty, but the chicken was undercooked and my son had diarrhea afterwards.",
            ]
            let first = try await app.request(.post, "/v1/feedback", json: complaint)
            #expect(first.status == .created, "\(first.text)")
            #expect(first.json["severity"] == "urgent", "an urgent topic outranks four stars")
            #expect(first.json["urgent_topics"] == ["food_safety"])
            #expect(first.json["member_id"]?.string == wang && first.json["store_id"] == "SH-01")
            #expect(first.json["text_removed_at"] == .null)
            let replay = try await app.request(.post, "/v1/feedback", json: complaint)
            #expect(replay.status == .ok)
            #expect(replay.json == first.json, "a replay answers the first answer")
            let reused = try await app.request(
                .post, "/v1/feedback", json: complaint.setting("rating", 5))
            #expect(reused.status == .conflict, "\(reused.text)")

            // Someone who is not a member leaves a number; the words and the number are sealed at rest.
            let anonymous = try await app.request(
                .post, "/v1/feedback",
                json: [
                    "feedback_id": "F-2", "channel": "web", "score": 2, "text": "客服电话一直打不通",
                    "contact": ["name": "李女士", "phone": "13900139000"],
                ])
            #expect(anonymous.status == .created, "\(anonymous.text)")
            #expect(anonymous.json["severity"] == "high" && anonymous.json["urgent_topics"] == [])
            #expect(anonymous.json["contact"]?["phone"] == "+8613900139000")
            let stored = try await app.store.database.read {
                try await $0.raw("SELECT text_ciphertext, contact_ciphertext FROM feedback").all().map {
                    (try $0.decode(column: "text_ciphertext", as: String.self))
                        + (try $0.decode(column: "contact_ciphertext", as: String?.self) ?? "")
                }.joined()
            }
            for secret in ["undercooked", "客服", "13900139000", "李女士"] {
                #expect(!stored.contains(secret), "\(secret) is stored in the clear")
            }
            #expect(try await app.request(.get, "/v1/feedback/F-2").json["text"] == "客服电话一直打不通")

            // Lists: newest first, by member and by severity, a page at a time.
            let praise = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "F-3", "channel": "app", "member_id": .string(wang), "rating": 5])
            #expect(praise.json["severity"] == "low")
            let mine = try await app.request(.get, "/v1/feedback?member_id=\(wang)")
            #expect(mine.json["data"]?.array.compactMap { $0["feedback_id"]?.string } == ["F-3", "F-1"])
            let high = try await app.request(.get, "/v1/feedback?severity=high")
            #expect(high.json["data"]?.array.compactMap { $0["feedback_id"]?.string } == ["F-2"])
            let page = try await app.request(.get, "/v1/feedback?limit=2")
            let next = try #require(page.json["next_cursor"]?.string)
            let rest = try await app.request(.get, "/v1/feedback?limit=2&cursor=\(next)")
            #expect(
                (page.json["data"]?.array ?? []).count == 2
                    && rest.json["data"]?.array.compactMap { $0["feedback_id"]?.string } == ["F-1"])
            #expect(try await app.request(.get, "/v1/feedback/F-404").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badFeedbackIsRefusedAtItsPointersAndNothingIsWritten(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let wrong = try await app.request(
                .post, "/v1/feedback",
                json: [
                    "feedback_id": " ", "channel": "fax", "rating": 6, "score": -1, "language": "chinese please",
                    "tags": ["", "ok"], "contact": ["email": "not-an-email"],
                    "submitted_at": "2999-01-01T00:00:00Z",
                ])
            #expect(wrong.status == .unprocessableContent)
            #expect(
                wrong.errorPointers == [
                    "/feedback_id", "/channel", "/contact/email", "/rating", "/score", "/language", "/tags",
                    "/submitted_at",
                ])
            let empty = try await app.request(
                .post, "/v1/feedback", json: ["feedback_id": "F-1", "channel": "app", "text": "   "])
            #expect(empty.errorPointers == ["/text"])
            let long = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "F-1", "channel": "app", "text": .string(String(repeating: "好", count: 10_001))])
            #expect(long.errorPointers == ["/text"])
            let nobody = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "F-1", "channel": "app", "member_id": "mem_x", "rating": 1])
            #expect(nobody.status == .unprocessableContent && nobody.errorPointers == ["/member_id"])
            #expect(try await app.rowCount("feedback") == 0)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aMembersTokenGivesOnlyItsOwnFeedback(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let own = try await app.newMember("own")
            let other = try await app.newMember("other")
            let token = try await MemberAccessAPITests.token(app, for: own)
            func send(
                _ body: JSONValue, _ method: HTTPRequest.Method = .post, _ path: String = "/v1/feedback"
            )
                async throws -> TestResponse
            {
                try await app.request(
                    method, path, json: method == .get ? nil : body, anonymous: true,
                    headers: [.authorization: "Bearer \(token)"])
            }
            let mine = try await send(["feedback_id": "M-1", "channel": "app", "member_id": .string(own), "score": 9])
            #expect(mine.status == .created, "\(mine.text)")
            let theirs = try await send(
                ["feedback_id": "M-2", "channel": "app", "member_id": .string(other), "score": 0])
            #expect(theirs.status == .unprocessableContent && theirs.errorPointers == ["/member_id"])
            let nameless = try await send(["feedback_id": "M-3", "channel": "app", "score": 0])
            #expect(nameless.errorPointers == ["/member_id"])
            #expect(try await send([:], .get, "/v1/feedback").status == .forbidden)
            #expect(try await send([:], .get, "/v1/feedback/M-1").status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aFeedbackSubmittedEventIsRecordedAsFeedbackOnce(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let event: JSONValue = [
                "type": "track", "user_id": "liu", "event": "Feedback Submitted", "message_id": "msg-F1",
                "properties": ["score": 3, "text": "App crashes at checkout", "channel": "app", "tags": ["checkout"]],
            ]
            let sent = try await app.request(.post, "/v1/events", json: event)
            #expect(sent.status == .accepted, "\(sent.text)")
            let member = try #require(sent.json["member_id"]?.string)
            let item = try await app.request(.get, "/v1/feedback/msg-F1")
            #expect(item.status == .ok, "the message id names the feedback: \(item.text)")
            #expect(item.json["member_id"]?.string == member && item.json["score"] == 3)
            #expect(item.json["text"] == "App crashes at checkout" && item.json["severity"] == "high")
            #expect(item.json["ticket_id"] != .null, "a detractor's feedback needs a person however it came")
            #expect(try await app.request(.post, "/v1/events", json: event).status == .ok)
            #expect(try await app.rowCount("feedback") == 1)
            #expect(try await app.rowCount("tickets") == 1)

            let bad = try await app.request(
                .post, "/v1/events/batch",
                json: [
                    "batch": [
                        ["type": "track", "user_id": "liu", "event": "Store Visited"],
                        [
                            "type": "track", "user_id": "liu", "event": "Feedback Submitted",
                            "properties": ["feedback_id": "F-9", "member_id": "mem_OTHER", "rating": 4],
                        ],
                    ]
                ])
            #expect(bad.status == .unprocessableContent && bad.errorPointers == ["/batch/1/properties/member_id"])
            #expect(try await app.rowCount("feedback") == 1)
        }
    }
}
