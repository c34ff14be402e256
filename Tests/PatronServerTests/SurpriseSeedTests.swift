import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// A surprise campaign's seed is a 64-bit unsigned integer, read exactly: seeds that a double cannot tell
/// apart choose differently, and a seed outside 0…2⁶⁴−1 is refused at `/seed`.
@Suite struct SurpriseSeedTests {
    func campaign(seed: String, dryRun: Bool = true) -> String {
        """
        {"campaign_id": "seeded", "count": 5, "seed": \(seed), "filter": {}, "grant": {"points": 10},
         "dry_run": \(dryRun)}
        """
    }

    @Test(arguments: TestDatabase.engines)
    func seedsAreRead64BitExactAndRefusedAtTheirPointer(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            for index in 0..<12 { _ = try await app.newMember("s-\(index)") }
            // Candidates are the active members in id order, as the member list gives them.
            let listed = try await app.request(.get, "/v1/members?limit=500").json["data"]?.array ?? []
            let candidates = listed.compactMap { $0["member_id"]?.string }
            #expect(candidates.count == 12)

            for seed: UInt64 in [9_007_199_254_740_992, 9_007_199_254_740_993, .max, 0] {
                let answer = try await app.request(.post, "/v1/campaigns/surprise", body: campaign(seed: "\(seed)"))
                #expect(answer.status == .ok, "\(seed): \(answer.text)")
                #expect(
                    answer.json["selected"]?.array.compactMap(\.string)
                        == SeededSelection.choose(5, from: candidates, seed: seed), "seed \(seed)")
            }
            let twoFiftyThree = try await app.request(
                .post, "/v1/campaigns/surprise", body: campaign(seed: "9007199254740992"))
            let next = try await app.request(.post, "/v1/campaigns/surprise", body: campaign(seed: "9007199254740993"))
            #expect(twoFiftyThree.json["selected"] != next.json["selected"], "2⁵³ and 2⁵³+1 are different seeds")

            for seed in ["-1", "18446744073709551616", "1e30", "1.5", "\"7\"", "null"] {
                let refused = try await app.request(.post, "/v1/campaigns/surprise", body: campaign(seed: seed))
                #expect(refused.status == .unprocessableContent, "\(seed): \(refused.text)")
                #expect(refused.isProblem)
                #expect(refused.errorPointers == ["/seed"], "\(seed): \(refused.text)")
            }
            #expect(try await app.rowCount("campaign_grants") == 0)
        }
    }
}
