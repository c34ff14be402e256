import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

@testable import PatronServer

/// A member's token, as the brand's app holds it: its own member's routes answer, every other member looks
/// absent, nothing else answers, and nothing a member sends can set what only the program decides.
@Suite struct MemberAccessAPITests {
    /// The routes a member token may call for its own member.
    static let memberRoutes: Set<String> = [
        "getMember", "listMemberOrders", "getPoints", "getTier", "redeemReward", "listRedemptions", "getReferral",
        "makeReferralCode", "getConsents", "putConsents",
    ]

    static func token(_ app: TestApplication, for memberID: String) async throws -> String {
        let issued = try await app.request(.post, "/v1/members/\(memberID)/tokens", json: ["lifetime_seconds": 600])
        #expect(issued.status == .created, "\(issued.text)")
        return try #require(issued.json["token"]?.string)
    }

    /// Every described route with `{member_id}`, filled in with `memberID` (and a made-up id for any other
    /// parameter), with the operation id.
    static func memberScopedRequests(for memberID: String) -> [(id: String, method: HTTPRequest.Method, path: String)] {
        AuditedOperations.operationIDs.compactMap { key, id in
            let parts = key.split(separator: " ", maxSplits: 1)
            guard parts[1].contains("{member_id}"), let method = HTTPRequest.Method(String(parts[0])) else {
                return nil
            }
            let path = parts[1].replacingOccurrences(of: "{member_id}", with: memberID)
                .replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "X-1", options: .regularExpression)
            return (id, method, path)
        }.sorted { $0.path + $0.method.rawValue < $1.path + $1.method.rawValue }
    }

    @Test(arguments: TestDatabase.engines)
    func anotherMembersIdLooksAbsentOnEveryMemberRoute(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            #expect(try await app.request(.post, "/v1/rewards", json: coffeeCoupon).status == .created)
            let own = try await app.memberWithPoints("own", totalMinor: 10_000)
            let other = try await app.memberWithPoints("other", totalMinor: 10_000)
            let token = try await Self.token(app, for: own)
            func send(_ method: HTTPRequest.Method, _ path: String) async throws -> TestResponse {
                try await app.request(
                    method, path, json: method == .get ? nil : ["reward_id": "COFFEE-5"], anonymous: true,
                    idempotencyKey: "bola-\(UUID())", headers: [.authorization: "Bearer \(token)"])
            }
            let requests = Self.memberScopedRequests(for: other)
            #expect(requests.count >= 12)
            for (id, method, path) in requests {
                let answer = try await send(method, path)
                let absent = try await send(method, path.replacingOccurrences(of: other, with: "mem_NOBODY"))
                if Self.memberRoutes.contains(id) {
                    // The same answer as for a member who does not exist.
                    #expect(answer.status == .notFound, "\(method) \(path): \(answer.text)")
                    #expect(absent.status == .notFound && absent.json["title"] == answer.json["title"])
                } else {
                    #expect(answer.status == .forbidden, "\(method) \(path): \(answer.status)")
                }
            }
            // The member's own routes answer.
            for (id, method, path) in Self.memberScopedRequests(for: own) where method == .get {
                let answer = try await send(method, path)
                #expect(
                    Self.memberRoutes.contains(id) ? answer.status == .ok : answer.status == .forbidden,
                    "\(method) \(path): \(answer.status)")
            }
            // Nothing outside a member's own routes answers a member token, but the session and the privacy
            // policy's text, which the member's app shows.
            for (key, _) in AuditedOperations.operationIDs where key.hasPrefix("GET ") && !key.contains("{") {
                let path = String(key.dropFirst(4))
                guard path.hasPrefix("/v1/"), path != "/v1/auth/session", path != "/v1/privacy/policies" else {
                    continue
                }
                let answer = try await send(.get, path + (path == "/v1/rewards" ? "?member_id=\(other)" : ""))
                #expect([.forbidden, .notFound].contains(answer.status), "GET \(path): \(answer.status)")
            }
            let catalog = try await send(.get, "/v1/rewards?member_id=\(own)")
            #expect(catalog.status == .ok)
            let me = try await send(.get, "/v1/auth/session")
            #expect(me.json["kind"] == "member" && me.json["member_id"]?.string == own)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func aMemberCannotSetWhatTheProgramDecides(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            #expect(try await app.request(.post, "/v1/rewards", json: coffeeCoupon).status == .created)
            let own = try await app.memberWithPoints("own", totalMinor: 10_000)
            let other = try await app.memberWithPoints("other", totalMinor: 10_000)
            let token = try await Self.token(app, for: own)
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            let before = try await app.request(.get, "/v1/members/\(own)")
            let redeemed = try await app.request(
                .post, "/v1/members/\(own)/redemptions",
                json: [
                    "reward_id": "COFFEE-5", "member_id": .string(other), "points": 999_999, "cost_points": 0,
                    "tier": "diamond", "status": "blocked", "available": 1_000_000,
                ], anonymous: true, idempotencyKey: "mass-1", headers: bearer)
            #expect(redeemed.status == .created, "\(redeemed.text)")
            let referral = try await app.request(
                .post, "/v1/members/\(own)/referral", json: ["member_id": .string(other), "tier": "diamond"],
                anonymous: true, headers: bearer)
            #expect(referral.status == .created || referral.status == .ok, "\(referral.text)")

            let after = try await app.request(.get, "/v1/members/\(own)")
            #expect(after.json["tier"] == before.json["tier"] && after.json["status"] == "active")
            let points = try await app.request(.get, "/v1/members/\(own)/points")
            #expect(points.json["available"]?.integer == 100 - 50)
            let untouched = try await app.request(.get, "/v1/members/\(other)/points")
            #expect(untouched.json["available"]?.integer == 100)
            #expect(try await app.request(.get, "/v1/members/\(other)/redemptions").json["redemptions"] == .array([]))
            #expect(try await app.request(.get, "/v1/members/\(other)/referral").json["code"] == .null)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func forgedAndForeignTokensAreRefused(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let own = try await app.memberWithPoints("own")
            let token = try await Self.token(app, for: own)
            let parts = token.split(separator: ".").map(String.init)
            func status(_ credential: String) async throws -> HTTPResponse.Status {
                try await app.request(
                    .get, "/v1/members/\(own)", anonymous: true, headers: [.authorization: "Bearer \(credential)"]
                ).status
            }
            #expect(try await status(token) == .ok)
            // Another member's id put in the payload without re-signing.
            let payload = String(decoding: try #require(Self.decode(parts[1])), as: UTF8.self)
            let swapped = Self.encode(Data(payload.replacingOccurrences(of: own, with: "mem_OTHER").utf8))
            #expect(try await status(parts[0] + "." + swapped + "." + parts[2]) == .unauthorized)
            // "alg": "none" with no signature.
            let none = Self.encode(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
            #expect(try await status(none + "." + parts[1] + ".") == .unauthorized)
            // A token of another deployment (another data key).
            let foreign = MemberTokens(
                protector: DataProtector(dataKey: try DataKey.parse(TestDatabase.makeDataKey(), source: "test")))
            let stranger = try foreign.issue(memberID: own, at: WallClock.system.now, lifetimeSeconds: 600)
            #expect(try await status(stranger) == .unauthorized)
            // Issuing needs its own permission, and a token for nobody is refused.
            let (_, reader) = try await app.store.createAPIKey(name: "reader", scopes: [.membersRead])
            #expect(try await app.request(.post, "/v1/members/\(own)/tokens", key: reader).status == .forbidden)
            #expect(try await app.request(.post, "/v1/members/mem_NOBODY/tokens").status == .notFound)
            #expect(
                try await app.request(.post, "/v1/members/\(own)/tokens", json: ["lifetime_seconds": 86_400])
                    .errorPointers == ["/lifetime_seconds"])
        }
    }

    @Test func tokensExpire() throws {
        let tokens = MemberTokens(
            protector: DataProtector(dataKey: try DataKey.parse(TestDatabase.makeDataKey(), source: "test")))
        let issued = Timestamp(millisecondsSinceEpoch: 1_796_000_000_000)
        let token = try tokens.issue(memberID: "mem_1", at: issued, lifetimeSeconds: 60)
        let later = { (seconds: Int64) in
            Timestamp(millisecondsSinceEpoch: issued.millisecondsSinceEpoch + seconds * 1_000)
        }
        #expect(tokens.memberID(in: token, at: later(59)) == "mem_1")
        #expect(tokens.memberID(in: token, at: later(60)) == nil)
    }

    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
