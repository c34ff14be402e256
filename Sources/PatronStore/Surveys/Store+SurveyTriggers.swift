import PatronCore
import SQLKit

/// What sending a survey to a group of members did, or would do.
public struct SurveySending: Sendable, Hashable {
    public var invited: Int
    /// Asked by a sampled or relationship survey within the program's interval.
    public var recentlyAsked: Int
    public var erased: Int

    public init(invited: Int = 0, recentlyAsked: Int = 0, erased: Int = 0) {
        self.invited = invited
        self.recentlyAsked = recentlyAsked
        self.erased = erased
    }
}

extension Store {
    /// Invites a sample of the buyers whose orders are `after_order.days` old as of `instant`, if the program asks
    /// for it: each order once (fixed by its id's hash), its member not erased nor asked within the program's
    /// interval. The orders are looked at from where the last run stopped (at first, the day before), so a run
    /// costs a range read of the orders made since; an order recorded after its window was looked at is not asked
    /// about. Answers the invitations made.
    public func inviteAfterOrders(asOf instant: Timestamp, batchSize: Int = 500) async throws -> Int {
        let (programs, clock) = (self.programs, self.clock)
        let (program, mark) = try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let mark = try await database.raw("SELECT through FROM survey_marks WHERE kind = 'after_order'").first()?
                .decode(column: "through", as: Int64.self)
            return (program, mark)
        }
        guard let after = program.surveys.afterOrder else { return 0 }
        let cutoff = instant.millisecondsSinceEpoch - Int64(after.days) * 86_400_000
        var position = (occurredAt: mark ?? cutoff - 86_400_000, orderID: "")
        guard position.occurredAt < cutoff else { return 0 }
        var invited = 0
        while true {
            let start = position
            let page = try await database.write { database -> (made: Int, last: (Int64, String)?) in
                let rows = try await database.raw(
                    """
                    SELECT order_id, member_id, store_id, occurred_at FROM orders
                    WHERE occurred_at < \(bind: cutoff)
                      AND (occurred_at > \(bind: start.occurredAt)
                           OR (occurred_at = \(bind: start.occurredAt) AND order_id > \(bind: start.orderID)))
                    ORDER BY occurred_at, order_id LIMIT \(unsafeRaw: String(batchSize))
                    """
                ).all()
                var made = 0
                for row in rows {
                    let orderID = try row.decode(column: "order_id", as: String.self)
                    guard SurveySettings.samples(orderID: orderID, share: after.share) else { continue }
                    let basis = SurveyInvitationBasis(
                        memberID: try row.decode(column: "member_id", as: String.self), kind: after.kind,
                        orderID: orderID, storeID: try row.decode(column: "store_id", as: String?.self),
                        language: "zh")
                    var sending = SurveySending()
                    try await Self.invitePaced(
                        basis, reason: .order, channel: nil, settings: program.surveys, createdBy: "order survey",
                        at: clock.milliseconds, dryRun: false, into: &sending, in: database)
                    made += sending.invited
                }
                guard let last = rows.last else { return (made, nil) }
                return (
                    made,
                    (
                        try last.decode(column: "occurred_at", as: Int64.self),
                        try last.decode(column: "order_id", as: String.self)
                    )
                )
            }
            invited += page.made
            guard let last = page.last else { break }
            position = (last.0, last.1)
        }
        try await database.write { database in
            try await database.raw(
                """
                INSERT INTO survey_marks (kind, through) VALUES ('after_order', \(bind: cutoff))
                ON CONFLICT (kind) DO UPDATE SET through = excluded.through
                """
            ).run()
        }
        return invited
    }

    /// Invites members to a relationship survey (or counts who would be, with `dryRun`), skipping the erased and
    /// those asked by a sampled or relationship survey within the program's interval.
    public func inviteToRelationshipSurvey(
        _ memberIDs: [String], kind: SurveyKind, channel: String?, language: String, actor: String, dryRun: Bool
    ) async throws -> SurveySending {
        let (programs, clock) = (self.programs, self.clock)
        var total = SurveySending()
        for chunk in stride(from: 0, to: memberIDs.count, by: 500).map({
            memberIDs[$0..<min($0 + 500, memberIDs.count)]
        }) {
            let sent = try await database.write { database in
                let (_, program) = try await programs.current(in: database)
                var sending = SurveySending()
                for memberID in chunk {
                    try await Self.invitePaced(
                        SurveyInvitationBasis(memberID: memberID, kind: kind, language: language),
                        reason: .relationship, channel: channel, settings: program.surveys, createdBy: actor,
                        at: clock.milliseconds, dryRun: dryRun, into: &sending, in: database)
                }
                return sending
            }
            total.invited += sent.invited
            total.recentlyAsked += sent.recentlyAsked
            total.erased += sent.erased
        }
        return total
    }

    /// One invitation held back by the program's pace, inside the caller's transaction: the member's row is
    /// locked first, so two runs at once cannot both ask them.
    private static func invitePaced(
        _ basis: SurveyInvitationBasis, reason: SurveyReason, channel: String?, settings: SurveySettings,
        createdBy: String, at now: Int64, dryRun: Bool, into sending: inout SurveySending, in database: any SQLDatabase
    ) async throws {
        do {
            try await lockLiveMember(basis.memberID, in: database)
        } catch MemberError.erased {
            sending.erased += 1
            return
        }
        let since = now - Int64(settings.memberIntervalDays) * 86_400_000
        let paced = SurveyReason.allCases.filter(\.isPaced).map { SQLBind($0.rawValue) }
        let recent = try await database.raw(
            """
            SELECT 1 AS found FROM survey_invitations
            WHERE member_id = \(bind: basis.memberID) AND reason IN \(SQLGroupExpression(SQLList(paced)))
              AND created_at > \(bind: since)
            LIMIT 1
            """
        ).first()
        if recent != nil {
            sending.recentlyAsked += 1
            return
        }
        if dryRun {
            sending.invited += 1
            return
        }
        let made = try await insertInvitation(
            basis, reason: reason, channel: channel, lifetimeDays: settings.linkDays, createdBy: createdBy, at: now,
            in: database)
        if made != nil { sending.invited += 1 }
    }
}
