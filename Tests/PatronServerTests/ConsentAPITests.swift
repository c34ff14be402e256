import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Consent per purpose and channel, with its history and the policy version the person saw; the register of
/// policy versions; the report; and every way a statement can be wrong.
@Suite struct ConsentAPITests {
    static let policy: JSONValue = [
        "effective_from": "2026-01-01T00:00:00Z", "text": ["zh": "隐私政策 2026 版", "en": "Privacy policy, 2026"],
    ]

    @Test(arguments: TestDatabase.engines)
    func consentsAreRecordedWithTheirHistoryAndAnsweredInOneRead(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            #expect(try await app.request(.put, "/v1/privacy/policies/2026-01", json: Self.policy).status == .created)
            #expect(try await app.request(.put, "/v1/privacy/policies/2026-01", json: Self.policy).status == .ok)
            let changed = Self.policy.setting("text", ["zh": "改过", "en": "Changed"])
            #expect(try await app.request(.put, "/v1/privacy/policies/2026-01", json: changed).status == .conflict)
            #expect(
                try await app.request(.put, "/v1/privacy/policies/a%20b", json: Self.policy).status
                    == .unprocessableContent)
            let policies = try await app.request(.get, "/v1/privacy/policies").json["data"]?.array ?? []
            #expect(policies.map { $0["version"] } == ["2026-01"] && policies.first?["text"]?["zh"] == "隐私政策 2026 版")

            // Granted at sign-up in a store, with the member's profile.
            let alice = try await app.newMember(
                "alice",
                extra: [
                    "consents": [
                        [
                            "purpose": "marketing", "channel": "sms", "state": "granted", "source": "store",
                            "evidence": "sign-up form 7",
                        ]
                    ]
                ])
            var read = try await app.request(.get, "/v1/members/\(alice)/consents").json
            #expect(read["consents"]?.array.count == 1)
            #expect(read["consents"]?.array.first?["policy_version"] == "2026-01", "the version in force when given")
            #expect(read["consents"]?.array.first?["evidence"] == "sign-up form 7")
            #expect(try await app.store.permits(alice, .marketing, channel: .sms))
            #expect(try await !app.store.permits(alice, .marketing, channel: .email), "never asked is no")
            #expect(try await !app.store.permits(alice, .profiling))

            // Withdrawn by the link in a message, as easily; a retry of the same statement records nothing.
            let withdraw: JSONValue = [
                "consents": [
                    ["purpose": "marketing", "channel": "sms", "state": "withdrawn", "source": "unsubscribe_link"]
                ]
            ]
            #expect(try await app.request(.put, "/v1/members/\(alice)/consents", json: withdraw).status == .ok)
            read = try await app.request(.put, "/v1/members/\(alice)/consents", json: withdraw).json
            #expect(read["consents"]?.array.first?["state"] == "withdrawn")
            #expect(read["history"]?.array.map { $0["state"] } == ["withdrawn", "granted"])
            #expect(read["history"]?.array.first?["recorded_by"]?.string?.isEmpty == false)
            #expect(try await !app.store.permits(alice, .marketing, channel: .sms))

            // An older statement arriving late (an import) joins the history without changing what is in force.
            let late: JSONValue = [
                "consents": [
                    [
                        "purpose": "marketing", "channel": "sms", "state": "granted", "source": "import",
                        "given_at": "2026-02-01T00:00:00Z",
                    ]
                ]
            ]
            read = try await app.request(.put, "/v1/members/\(alice)/consents", json: late).json
            #expect(read["history"]?.array.count == 3 && read["consents"]?.array.first?["state"] == "withdrawn")

            // The member withdraws or grants for themself through their app.
            let token = try #require(try await app.request(.post, "/v1/members/\(alice)/tokens").json["token"]?.string)
            let profiling: JSONValue = ["consents": [["purpose": "profiling", "state": "granted", "source": "app"]]]
            #expect(
                try await app.request(.put, "/v1/members/\(alice)/consents", json: profiling, key: token).status == .ok)
            #expect(try await app.store.permits(alice, .profiling))

            // At a till: the consents come with the order's member, in the order's transaction.
            var order = PrivacyAPITests.order("T-1", by: "bob", totalMinor: 5_000)
            order = order.setting(
                "member",
                [
                    "external_id": "bob",
                    "consents": [["purpose": "marketing", "channel": "email", "state": "granted", "source": "store"]],
                ])
            let placed = try await app.request(.post, "/v1/orders", json: order)
            #expect(placed.status == .created, "\(placed.text)")
            let bob = try #require(placed.json["member_id"]?.string)
            #expect(try await app.store.permits(bob, .marketing, channel: .email))
            let wrong = order.setting("order_id", "T-2").setting(
                "member",
                ["external_id": "bob", "consents": [["purpose": "marketing", "state": "granted", "source": "store"]]])
            let refused = try await app.request(.post, "/v1/orders", json: wrong)
            #expect(refused.status == .unprocessableContent && refused.errorPointers == ["/member/consents/0/channel"])
            #expect(try await app.rowCount("orders") == 1)
            let report = try await app.request(.get, "/v1/reports/consents").json
            #expect(report["members"]?.integer == 2)
            let lines = report["lines"]?.array ?? []
            #expect(lines.count == 7)
            let sms = lines.first { $0["purpose"] == "marketing" && $0["channel"] == "sms" }
            #expect(sms?["withdrawn"]?.integer == 1 && sms?["granted"]?.integer == 0)
            let profiled = lines.first { $0["purpose"] == "profiling" }
            #expect(profiled?["granted"]?.integer == 1 && profiled?["granted_share"]?.number == 0.5)
            #expect(profiled?["channel"] == .null)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aWrongStatementIsRefusedAndNothingOfTheRequestIsRecorded(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let alice = try await app.newMember("alice")
            let good: JSONValue = ["purpose": "marketing", "channel": "email", "state": "granted", "source": "web"]
            let other = good.setting("channel", "sms")
            let cases: [(JSONValue, String)] = [
                (other.setting("purpose", "spam"), "/consents/1/purpose"),
                (other.setting("channel", "fax"), "/consents/1/channel"),
                (other.setting("channel", nil), "/consents/1/channel"),
                (other.setting("purpose", "profiling"), "/consents/1/channel"),
                (other.setting("state", "maybe"), "/consents/1/state"),
                (other.setting("source", "rumour"), "/consents/1/source"),
                (other.setting("given_at", "2099-01-01T00:00:00Z"), "/consents/1/given_at"),
                (other.setting("policy_version", "1999"), "/consents/1/policy_version"),
                (good, "/consents/1/purpose"),
            ]
            for (second, pointer) in cases {
                let answer = try await app.request(
                    .put, "/v1/members/\(alice)/consents", json: ["consents": [good, second]])
                #expect(answer.status == .unprocessableContent, "\(second)")
                #expect(answer.errorPointers == [pointer], "\(answer.text)")
            }
            #expect(
                try await app.request(.put, "/v1/members/\(alice)/consents", json: ["consents": []]).status
                    == .unprocessableContent)
            #expect(try await app.request(.get, "/v1/members/\(alice)/consents").json["history"]?.array == [])
            #expect(
                try await app.request(.put, "/v1/members/mem_nobody/consents", json: ["consents": [good]]).status
                    == .notFound)

            #expect(
                try await app.request(.put, "/v1/members/\(alice)/consents", json: ["consents": [good]]).status == .ok)
            #expect(try await app.request(.post, "/v1/members/\(alice)/erasure").status == .created)
            #expect(
                try await app.request(.put, "/v1/members/\(alice)/consents", json: ["consents": [good]]).status == .gone
            )
            let after = try await app.request(.get, "/v1/members/\(alice)/consents").json
            #expect(after["consents"]?.array == [] && after["history"]?.array == [], "erasure deletes the statements")
        }
    }
}
