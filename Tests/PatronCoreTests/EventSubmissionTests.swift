import PatronCore
import Testing

@Suite struct EventSubmissionTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    @Test func identifyClaimsItsNormalisedEmailAndPhone() throws {
        let identify = try EventSubmission.parse(
            [
                "type": "identify", "user_id": "u-1", "traits": ["email": " Mei@Example.com", "phone": "13800138000"],
            ], receivedAt: Self.now)
        #expect(identify.claimedIdentities.map(\.kind) == [.email, .phone])
        #expect(identify.claimedIdentities.map(\.value) == ["mei@example.com", "+8613800138000"])
        let track = try EventSubmission.parse(
            [
                "type": "track", "user_id": "u-1", "event": "viewed", "traits": ["email": "mei@example.com"],
            ], receivedAt: Self.now)
        #expect(track.claimedIdentities.isEmpty, "only identify changes a profile")
    }

    @Test func anIdentityOwnedByAnotherMemberIsRefused() {
        let owners: [IdentityKind: String] = [.email: "mem_a", .phone: "mem_b"]
        #expect(
            EventSubmission.refusals(owners: owners, memberID: "mem_a") == [
                .identityTaken(kind: .phone, ownerID: "mem_b")
            ])
        #expect(
            EventSubmission.refusals(owners: owners, memberID: nil) == [
                .identityTaken(kind: .email, ownerID: "mem_a"), .identityTaken(kind: .phone, ownerID: "mem_b"),
            ])
        #expect(EventSubmission.refusals(owners: [.email: "mem_a"], memberID: "mem_a").isEmpty)
        #expect(EventSubmission.refusals(owners: [:], memberID: nil).isEmpty)
    }

    @Test func aFeedbackEventCarriesFeedbackReadAsTheFeedbackRouteReadsIt() throws {
        let event = try EventSubmission.parse(
            [
                "type": "track", "user_id": "u-1", "event": "Feedback Submitted", "message_id": "m-7",
                "timestamp": "2027-01-15T01:00:00Z", "properties": ["rating": 2, "text": "门店太吵了", "store_id": "SH-01"],
            ], receivedAt: Self.now)
        let feedback = try #require(event.feedback)
        #expect(feedback.feedbackID == "m-7" && feedback.channel == .app && feedback.rating == 2)
        #expect(feedback.storeID == "SH-01" && feedback.submittedAt.rfc3339.hasPrefix("2027-01-15T01:00:00"))
        #expect(
            try EventSubmission.parse(
                ["type": "track", "user_id": "u-1", "event": "Feedback given", "properties": ["rating": 9]],
                receivedAt: Self.now
            ).feedback == nil, "only the one event name is feedback")
        do {
            _ = try EventSubmission.parse(
                [
                    "type": "track", "user_id": "u-1", "event": "Feedback Submitted",
                    "properties": ["rating": 9, "channel": "fax"],
                ], pointer: "/batch/2", receivedAt: Self.now)
            Issue.record("bad feedback in an event was accepted")
        } catch {
            #expect(
                Set(error.errors.map(\.pointer))
                    == ["/batch/2/properties/feedback_id", "/batch/2/properties/rating", "/batch/2/properties/channel"])
        }
    }
}
