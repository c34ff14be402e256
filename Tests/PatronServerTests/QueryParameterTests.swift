import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Query parameters are input like bodies: a value that does not parse, is out of range, is empty or comes
/// twice answers 422 with one `errors[]` entry per parameter, pointer `?name`; it is never ignored.
@Suite struct QueryParameterTests {
    @Test(arguments: TestDatabase.engines)
    func malformedQueryParametersAreRefusedOnEveryRoute(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let memberID = try await app.memberWithPoints("u-query")
            let cases: [(String, Set<String>)] = [
                ("/v1/members?limit=abc", ["?limit"]),
                ("/v1/members?limit=0", ["?limit"]),
                ("/v1/members?limit=501", ["?limit"]),
                ("/v1/members?limit=-1", ["?limit"]),
                ("/v1/members?limit=2.5", ["?limit"]),
                ("/v1/members?limit=", ["?limit"]),
                ("/v1/members?limit=5&limit=6", ["?limit"]),
                ("/v1/members?cursor=%21%21%21", ["?cursor"]),
                ("/v1/members?limit=abc&cursor=%21", ["?limit", "?cursor"]),
                ("/v1/members?external_id=u-query&limit=abc", ["?limit"]),
                ("/v1/members?external_id=", ["?external_id"]),
                ("/v1/members?email=", ["?email"]),
                ("/v1/members?email=not-an-email&limit=0", ["?email", "?limit"]),
                ("/v1/members?phone=12", ["?phone"]),
                ("/v1/members?external_id=u-query&email=li.lei@example.com", ["?email"]),
                ("/v1/members/\(memberID)/orders?limit=abc", ["?limit"]),
                ("/v1/members/\(memberID)/orders?cursor=%21", ["?cursor"]),
                ("/v1/members/\(memberID)/points?limit=-1", ["?limit"]),
                ("/v1/members/\(memberID)/redemptions?limit=1000", ["?limit"]),
                ("/v1/rewards?member_id=", ["?member_id"]),
                ("/v1/analytics/churn-risk?limit=abc", ["?limit"]),
                ("/v1/analytics/rfm?limit=abc&segment=", ["?limit", "?segment"]),
                ("/v1/analytics/kpis?from=2026-01-01&to=2026-01-31&lapse_days=", ["?lapse_days"]),
                ("/v1/analytics/cohorts?from=2026-01-01&from=2026-02-01", ["?from"]),
                ("/v1/members/\(memberID)/insights?horizon_days=abc", ["?horizon_days"]),
            ]
            for (path, pointers) in cases {
                let answer = try await app.request(.get, path)
                #expect(answer.status == .unprocessableContent, "\(path): \(answer.text)")
                #expect(answer.isProblem, "\(path)")
                #expect(answer.errorPointers == pointers, "\(path): \(answer.text)")
            }
            // Well-formed values still work; unknown parameters are ignored.
            #expect(try await app.request(.get, "/v1/members?limit=500&cursor=").status == .ok)
            #expect(try await app.request(.get, "/v1/members?external_id=u-query&sort=name").status == .ok)
            #expect(try await app.request(.get, "/v1/members/\(memberID)/points?limit=1").status == .ok)
        }
    }
}
