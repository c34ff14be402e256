import Hummingbird
import PatronCore
import PatronStore

/// Tokens a brand's backend asks for once it has signed in one of its own users, so that its app can read that
/// member's points, coupons and orders and redeem rewards, and nothing of anyone else.
struct MemberTokensController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("members/{member_id}/tokens", use: issue)
    }

    /// `{"lifetime_seconds": 900}` (optional, 60 to 3,600): 201 with a bearer token for this member alone.
    @Sendable func issue(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.memberTokensWrite)
        let memberID = try context.parameters.require("member_id")
        let (body, _) = try await JSONBody.read(request, context: context, allowEmpty: true)
        var reader = FieldReader(body)
        let lifetime = reader.integer("lifetime_seconds") ?? MemberTokens.defaultLifetimeSeconds
        if !(60...MemberTokens.maximumLifetimeSeconds).contains(lifetime) {
            reader.fail("lifetime_seconds", "must be from 60 to \(MemberTokens.maximumLifetimeSeconds)")
        }
        try reader.finish()
        guard let member = try await store.member(id: memberID) else { throw MemberError.notFound(memberID: memberID) }
        if member.status == .erased { throw MemberError.erased(memberID: memberID) }
        let now = store.clock.now
        let token = try store.memberTokens.issue(memberID: memberID, at: now, lifetimeSeconds: lifetime)
        return try JSONBody.response(
            MemberTokenResource(
                token: token, memberID: memberID,
                expiresAt: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + lifetime * 1_000)),
            status: .created)
    }
}

/// A member token as issued: shown once, never stored.
struct MemberTokenResource: Encodable {
    let token: String
    let memberID: String
    let expiresAt: Timestamp

    private enum CodingKeys: String, CodingKey {
        case token
        case tokenType = "token_type"
        case memberID = "member_id"
        case expiresAt = "expires_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(token, forKey: .token)
        try container.encode("Bearer", forKey: .tokenType)
        try container.encode(memberID, forKey: .memberID)
        try container.encode(expiresAt, forKey: .expiresAt)
    }
}
