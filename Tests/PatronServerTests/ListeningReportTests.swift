import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// The listening reports over a day's feedback, tickets and orders, each figure worked out by hand.
@Suite struct ListeningReportTests {
    @Test(arguments: TestDatabase.engines)
    func complaintsResponseTimesAndTheClosedLoopAreMeasured(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            func placed(_ id: String, by buyer: String, store: String, inSeconds: Int64 = 0) async throws {
                let at = Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds + inSeconds * 1_000)
                let body = order(id, by: buyer, totalMinor: 3_000, at: at.rfc3339).setting("store_id", .string(store))
                #expect(try await app.request(.post, "/v1/orders", json: body).status == .created)
            }
            for index in 0..<4 { try await placed("SH-\(index)", by: "walk-in-\(index)", store: "SH-01") }
            try await placed("BJ-0", by: "walk-in-9", store: "BJ-02")
            let ning = try await app.newMember("ning")
            let ma = try await app.newMember("ma")
            func give(_ body: JSONValue) async throws -> String? {
                let filed = try await app.request(.post, "/v1/feedback", json: body)
                #expect(filed.status == .created, "\(filed.text)")
                return filed.json["ticket_id"]?.string
            }
            let complaint = try await give([
                "feedback_id": "F-1", "channel": "store", "store_id": "SH-01", "member_id": .string(ning), "rating": 1,
                "tags": ["queue"],
            ])
            _ = try await give(["feedback_id": "F-2", "channel": "store", "store_id": "SH-01", "rating": 5])
            let detractor = try await give([
                "feedback_id": "F-3", "channel": "app", "store_id": "BJ-02", "member_id": .string(ma), "score": 3,
                "tags": ["queue"],
            ])
            _ = try await give([
                "feedback_id": "F-4", "channel": "web", "text": "I got food poisoning after the salad",
            ])
            for ticketID in [try #require(complaint), try #require(detractor)] {
                let reply = try await app.request(
                    .post, "/v1/tickets/\(ticketID)/messages", json: ["kind": "reply", "body": "We are sorry"],
                    idempotencyKey: "r-\(ticketID)")
                #expect(reply.status == .created)
            }
            let resolved = try await app.request(
                .post, "/v1/tickets/\(try #require(detractor))/state", json: ["state": "resolved"])
            #expect(resolved.status == .ok)
            // Ma comes round: a promoter's score, and buys again.
            _ = try await give(["feedback_id": "F-5", "channel": "app", "member_id": .string(ma), "score": 9])
            try await placed("BJ-1", by: "ma", store: "BJ-02", inSeconds: 2)

            let today = UTCOffset.shanghai.date(of: WallClock.system.now)
            let period = "from=\(today.addingDays(-1).isoString)&to=\(today.addingDays(1).isoString)"
            let byStore = try await app.request(.get, "/v1/analytics/listening?\(period)&by=store")
            #expect(byStore.status == .ok, "\(byStore.text)")
            let groups = Dictionary(
                uniqueKeysWithValues: (byStore.json["groups"]?.array ?? []).map { ($0["group"]?.string ?? "-", $0) })
            let shanghai = try #require(groups["SH-01"])
            #expect(shanghai["feedback"] == 2 && shanghai["complaints"] == 1 && shanghai["orders"] == 4)
            #expect(shanghai["complaints_per_1000_orders"] == 250)
            #expect(shanghai["tickets_opened"] == 1 && shanghai["first_response"]?["count"] == 1)
            #expect(shanghai["first_response_targets"] == ["met": 1, "missed": 0, "share": 1])
            #expect(
                shanghai["top_topics"]
                    == [["topic": "queue", "count": 1, "negative": 0, "mean_score": .null, "previous_count": 0]],
                "stars without words have no sentiment")
            let beijing = try #require(groups["BJ-02"])
            #expect(beijing["orders"] == 2 && beijing["complaints"] == 1 && beijing["resolution"]?["count"] == 1)
            let unknownStore = try #require(groups["-"])
            #expect(unknownStore["urgent"] == 1 && unknownStore["top_topics"]?.array.first?["topic"] == "food_safety")

            let everyone = try await app.request(.get, "/v1/analytics/listening?\(period)").json
            let all = try #require(everyone["groups"]?.array.first)
            #expect(all["feedback"] == 5 && all["complaints"] == 3 && all["orders"] == 6 && all["tickets_opened"] == 3)

            let loop = try await app.request(.get, "/v1/analytics/closed-loop?\(period)").json
            // One detractor (Ma), answered in time and back at 9; complainants: Ma resolved and buying again,
            // Ning unresolved and not.
            #expect(loop["detractors"] == 1 && loop["contacted_in_time"] == 1 && loop["recovered"] == 1)
            #expect(loop["closed_loop_rate"] == 1 && loop["recovery_rate"] == 1)
            #expect(loop["resolved_complainants"] == 1 && loop["resolved_repurchased"] == 1)
            #expect(loop["unresolved_complainants"] == 1 && loop["unresolved_repurchased"] == 0)
            #expect(loop["repurchase_after_resolution"] == 1 && loop["repurchase_without_resolution"] == 0)
            let wrong = try await app.request(.get, "/v1/analytics/listening?from=2026-02-01&to=2026-01-01&by=tier")
            #expect(wrong.errorPointers == ["?to", "?by"])
        }
    }

    /// Ten buyers, the n-th buying n times, more each time and more lately, so their RFM quintile scores rise
    /// together: the top four average 3.5 or more. Four of them answered.
    @Test(arguments: TestDatabase.engines)
    func theLoyaltyMatrixSetsWhatMembersSayAgainstWhatTheyDo(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let day: Int64 = 86_400_000
            let now = WallClock.system.milliseconds
            var members: [String] = []
            for buyer in 0..<10 {
                for visit in 0...buyer {
                    let at = Timestamp(millisecondsSinceEpoch: now - Int64(10 - buyer + visit) * day)
                    let placed = try await app.request(
                        .post, "/v1/orders",
                        json: order(
                            "O-\(buyer)-\(visit)", by: "b\(buyer)", totalMinor: Int64(buyer + 1) * 1_000, at: at.rfc3339
                        ))
                    #expect(placed.status == .created, "\(placed.text)")
                    if visit == 0 { members.append(try #require(placed.json["member_id"]?.string)) }
                }
            }
            let answers: [(Int, JSONValue)] = [
                (9, ["score": 10]), (8, ["rating": 2]), (1, ["score": 9]), (0, ["score": 3]),
            ]
            for (buyer, answer) in answers {
                guard case .object(var body) = answer else { continue }
                body["feedback_id"] = .string("F-\(buyer)")
                body["channel"] = "app"
                body["member_id"] = .string(members[buyer])
                #expect(try await app.request(.post, "/v1/feedback", json: .object(body)).status == .created)
            }
            let matrix = try await app.request(.get, "/v1/analytics/loyalty-matrix?compare_days=30")
            #expect(matrix.status == .ok, "\(matrix.text)")
            #expect(matrix.json["counts"] == ["true": 1, "latent": 1, "spurious": 1, "none": 1])
            #expect(matrix.json["without_attitude"] == 6)
            #expect(matrix.json["counts_then"] == ["true": 0, "latent": 0, "spurious": 0, "none": 0])
            #expect(matrix.json["movement"] == [])
            for (quadrant, buyer) in [("true", 9), ("spurious", 8), ("latent", 1), ("none", 0)] {
                let listed = try await app.request(.get, "/v1/analytics/loyalty-matrix/members?quadrant=\(quadrant)")
                #expect(listed.json["data"] == [["member_id": .string(members[buyer])]], "\(quadrant)")
            }
            let wrong = try await app.request(.get, "/v1/analytics/loyalty-matrix/members?quadrant=loyal")
            #expect(wrong.errorPointers == ["?quadrant"])
        }
    }
}
