import PatronCore
import Testing

@Suite struct EventSubmissionTests {
    @Test func identifyClaimsItsNormalisedEmailAndPhone() throws {
        let identify = try EventSubmission.parse([
            "type": "identify", "user_id": "u-1", "traits": ["email": " Mei@Example.com", "phone": "13800138000"],
        ])
        #expect(identify.claimedIdentities.map(\.kind) == [.email, .phone])
        #expect(identify.claimedIdentities.map(\.value) == ["mei@example.com", "+8613800138000"])
        let track = try EventSubmission.parse([
            "type": "track", "user_id": "u-1", "event": "viewed", "traits": ["email": "mei@example.com"],
        ])
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
}
