import PatronAnalytics
import PatronCore
import SQLKit

/// An invitation to answer one survey question, and its answer once given.
public struct SurveyInvitation: Sendable, Hashable {
    public var invitationID: String
    public var basis: SurveyInvitationBasis
    public var reason: SurveyReason
    /// How the caller sends it (email, sms, wechat, …), for reports by channel.
    public var channel: String?
    public var createdBy: String
    public var createdAt: Timestamp
    public var expiresAt: Timestamp
    public var answeredAt: Timestamp?
    public var answerValue: Int?
    /// The feedback item the answer became.
    public var feedbackID: String?
    /// What the link to the answer page carries.
    public var token: String
}

public enum SurveyError: Error, Sendable, Hashable {
    case notFound(invitationID: String)
    /// Its link has expired: nothing can be answered on it any more.
    case expired(invitationID: String)
    /// It was answered before, with something else.
    case alreadyAnswered(invitationID: String)
}

/// How survey reports group answers.
public enum SurveyGrouping: String, Sendable, Hashable, CaseIterable {
    /// The member's tier now.
    case tier
    case store
    case channel
    /// The month the invitation was made, in the program's time zone.
    case month
    /// The member's RFM segment at the last day of the period.
    case segment
}

extension Store {
    /// Invites a member to answer a question, the link working for `lifetimeDays` (the program's `link_days`
    /// when nil). Idempotent on `idempotencyKey`.
    public func inviteToSurvey(
        _ basis: SurveyInvitationBasis, channel: String?, lifetimeDays: Int?, actor: String, idempotencyKey: String
    ) async throws -> (invitation: SurveyInvitation, isReplay: Bool) {
        let (clock, programs) = (self.clock, self.programs)
        let fingerprint = [
            basis.memberID, basis.kind.rawValue, basis.orderID ?? "", basis.storeID ?? "", basis.language,
            channel ?? "", lifetimeDays.map(String.init) ?? "",
        ].joined(separator: "\u{1F}")
        let (invitationID, isReplay) = try await IdempotentRequests.perform(
            key: "survey-invitation:\(idempotencyKey)", fingerprint: fingerprint, database: database
        ) { database in
            do {
                try await Self.lockLiveMember(basis.memberID, in: database)
            } catch MemberError.notFound {
                throw ValidationFailure(pointer: "/member_id", detail: "no member with id '\(basis.memberID)'")
            }
            var days = lifetimeDays ?? 0
            if lifetimeDays == nil { days = try await programs.current(in: database).program.surveys.linkDays }
            guard
                let invitationID = try await Self.insertInvitation(
                    basis, reason: .request, channel: channel, lifetimeDays: days, createdBy: actor,
                    at: clock.milliseconds, in: database)
            else { throw ValidationFailure(pointer: "/ticket_id", detail: "has an invitation already") }
            return invitationID
        }
        guard let invitation = try await surveyInvitation(id: invitationID) else {
            throw SurveyError.notFound(invitationID: invitationID)
        }
        return (invitation, isReplay)
    }

    /// Inserts an invitation inside the caller's transaction; nil when its ticket has one already.
    static func insertInvitation(
        _ basis: SurveyInvitationBasis, reason: SurveyReason, channel: String?, lifetimeDays: Int,
        createdBy: String, at now: Int64, in database: any SQLDatabase
    ) async throws -> String? {
        let invitationID = Identifier.make(prefix: "inv", milliseconds: now)
        let expiresAt = now + Int64(lifetimeDays) * 86_400_000
        return try await database.raw(
            """
            INSERT INTO survey_invitations (invitation_id, member_id, kind, reason, order_id, ticket_id, store_id,
                                            channel, language, created_by, created_at, expires_at)
            VALUES (\(bind: invitationID), \(bind: basis.memberID), \(bind: basis.kind.rawValue),
                    \(bind: reason.rawValue), \(bind: basis.orderID), \(bind: basis.ticketID), \(bind: basis.storeID),
                    \(bind: channel), \(bind: basis.language), \(bind: createdBy), \(bind: now), \(bind: expiresAt))
            ON CONFLICT DO NOTHING RETURNING invitation_id
            """
        ).first()?.decode(column: "invitation_id", as: String.self)
    }

    /// After a ticket about a member is resolved, inside the caller's transaction: a CSAT invitation, once per
    /// ticket however often it is reopened and resolved again, in Chinese (the page offers English), unless the
    /// member was erased.
    static func inviteAfterResolution(
        of ticketID: String, memberID: String, at now: Int64, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws {
        let member = try await database.raw("SELECT erased_at FROM members WHERE id = \(bind: memberID)").first()
        guard let member, try member.decodeNil(column: "erased_at") else { return }
        let storeID = try await database.raw("SELECT store_id FROM tickets WHERE ticket_id = \(bind: ticketID)")
            .first()?.decode(column: "store_id", as: String?.self)
        let basis = SurveyInvitationBasis(
            memberID: memberID, kind: .csat, ticketID: ticketID, storeID: storeID, language: "zh")
        _ = try await insertInvitation(
            basis, reason: .ticket, channel: nil, lifetimeDays: program.surveys.linkDays, createdBy: "ticket", at: now,
            in: database)
    }

    public func surveyInvitation(id: String) async throws -> SurveyInvitation? {
        try await surveyInvitations(where: "invitation_id = \(bind: id)", limit: 1).first
    }

    /// The invitation a link's token opens, when the token is Patron's own for that invitation and expiry.
    public func surveyInvitation(token: String) async throws -> SurveyInvitation? {
        guard let (id, _) = surveyLinks.read(token), let invitation = try await surveyInvitation(id: id),
            invitation.token == token
        else { return nil }
        return invitation
    }

    /// Invitations newest first, of one member or of everyone, optionally of one kind.
    public func surveyInvitations(
        memberID: String?, kind: SurveyKind?, after cursor: String?, limit: Int
    ) async throws -> Page<SurveyInvitation> {
        var condition: SQLQueryString = "1 = 1"
        if let memberID { condition = condition + " AND member_id = \(bind: memberID)" }
        if let kind { condition = condition + " AND kind = \(bind: kind.rawValue)" }
        if let cursor, let colon = cursor.firstIndex(of: ":"), let createdAt = Int64(cursor[..<colon]) {
            let id = String(cursor[cursor.index(after: colon)...])
            condition =
                condition
                + " AND (created_at < \(bind: createdAt) OR (created_at = \(bind: createdAt) AND invitation_id < \(bind: id)))"
        }
        let found = try await surveyInvitations(where: condition, limit: limit + 1)
        let page = Array(found.prefix(limit))
        return Page(
            items: page,
            nextCursor: found.count > limit
                ? page.last.map { "\($0.createdAt.millisecondsSinceEpoch):\($0.invitationID)" } : nil)
    }

    private func surveyInvitations(where condition: SQLQueryString, limit: Int) async throws -> [SurveyInvitation] {
        let links = surveyLinks
        return try await database.read { database in
            try await database.raw(
                """
                SELECT invitation_id, member_id, kind, reason, order_id, ticket_id, store_id, channel, language,
                       created_by, created_at, expires_at, answered_at, answer_value, feedback_id
                FROM survey_invitations WHERE \(condition)
                ORDER BY created_at DESC, invitation_id DESC LIMIT \(unsafeRaw: String(limit))
                """
            ).all().map { row in
                let id = try row.decode(column: "invitation_id", as: String.self)
                let expiresAt = Timestamp(millisecondsSinceEpoch: try row.decode(column: "expires_at", as: Int64.self))
                return SurveyInvitation(
                    invitationID: id,
                    basis: SurveyInvitationBasis(
                        memberID: try row.decode(column: "member_id", as: String.self),
                        kind: try StoredValue.decode(SurveyKind.self, row, "kind"),
                        orderID: try row.decode(column: "order_id", as: String?.self),
                        ticketID: try row.decode(column: "ticket_id", as: String?.self),
                        storeID: try row.decode(column: "store_id", as: String?.self),
                        language: try row.decode(column: "language", as: String.self)),
                    reason: try StoredValue.decode(SurveyReason.self, row, "reason"),
                    channel: try row.decode(column: "channel", as: String?.self),
                    createdBy: try row.decode(column: "created_by", as: String.self),
                    createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)),
                    expiresAt: expiresAt,
                    answeredAt: try row.decode(column: "answered_at", as: Int64?.self).map {
                        Timestamp(millisecondsSinceEpoch: $0)
                    },
                    answerValue: try row.decode(column: "answer_value", as: Int64?.self).map(Int.init),
                    feedbackID: try row.decode(column: "feedback_id", as: String?.self),
                    token: links.token(invitationID: id, expiresAt: expiresAt))
            }
        }
    }

    /// Records an answer, once: it becomes a feedback item from the survey channel (assessed, and opening a ticket,
    /// as any feedback) and the invitation is marked answered. The same answer again is a replay; another answer,
    /// an expired link or an erased member is refused.
    public func answerSurvey(
        _ invitationID: String, answer: SurveyAnswer
    ) async throws -> (invitation: SurveyInvitation, isReplay: Bool) {
        let (members, programs, clock) = (self.members, self.programs, self.clock)
        let fingerprint = "survey-answer\u{1F}\(answer.value)\u{1F}\(answer.comment ?? "")"
        let outcome = try await database.write { database -> (isReplay: Bool, ticketOpened: Bool) in
            let now = clock.milliseconds
            // The member first, as erasure locks them before anything of theirs.
            guard
                let memberID = try await database.raw(
                    "SELECT member_id FROM survey_invitations WHERE invitation_id = \(bind: invitationID)"
                ).first()?.decode(column: "member_id", as: String.self)
            else { throw SurveyError.notFound(invitationID: invitationID) }
            try await Self.lockLiveMember(memberID, in: database)
            let row = try await database.raw(
                """
                SELECT kind, order_id, ticket_id, store_id, language, expires_at, answered_at, feedback_id
                FROM survey_invitations WHERE invitation_id = \(bind: invitationID)
                \(MemberRepository.forUpdate(database))
                """
            ).first()
            guard let row else { throw SurveyError.notFound(invitationID: invitationID) }
            if let feedbackID = try row.decode(column: "feedback_id", as: String?.self) {
                let stored = try await database.raw(
                    "SELECT request_fingerprint FROM feedback WHERE feedback_id = \(bind: feedbackID)"
                ).first()?.decode(column: "request_fingerprint", as: String.self)
                guard stored == fingerprint else { throw SurveyError.alreadyAnswered(invitationID: invitationID) }
                return (true, false)
            }
            guard now < (try row.decode(column: "expires_at", as: Int64.self)) else {
                throw SurveyError.expired(invitationID: invitationID)
            }
            let kind = try StoredValue.decode(SurveyKind.self, row, "kind")
            let basis = SurveyInvitationBasis(
                memberID: memberID, kind: kind, orderID: try row.decode(column: "order_id", as: String?.self),
                ticketID: try row.decode(column: "ticket_id", as: String?.self),
                storeID: try row.decode(column: "store_id", as: String?.self),
                language: try row.decode(column: "language", as: String.self))
            let feedbackID = "survey-\(invitationID)"
            let (_, program) = try await programs.current(in: database)
            let item = try await Self.insertFeedback(
                kind.feedback(
                    answer, invitation: basis, feedbackID: feedbackID, at: Timestamp(millisecondsSinceEpoch: now)),
                fingerprint: fingerprint, at: now, members: members, program: program, sentimentModels: sentimentModels,
                in: database)
            guard let item else { throw SurveyError.alreadyAnswered(invitationID: invitationID) }
            try await database.raw(
                """
                UPDATE survey_invitations
                SET answered_at = \(bind: now), answer_value = \(bind: Int64(answer.value)),
                    feedback_id = \(bind: feedbackID)
                WHERE invitation_id = \(bind: invitationID)
                """
            ).run()
            return (false, item.ticketID != nil)
        }
        if outcome.ticketOpened { deadlineAlarm.ring() }
        guard let invitation = try await surveyInvitation(id: invitationID) else {
            throw SurveyError.notFound(invitationID: invitationID)
        }
        return (invitation, outcome.isReplay)
    }

    /// Summaries of one kind of question over invitations made from `from` to `to` (days in the program's time
    /// zone, both included), for everyone or per group; groups in order of their names. Members who had not bought
    /// by the period's end have no segment.
    public func surveySummaries(
        kind: SurveyKind, from: PatronCore.CalendarDate, to: PatronCore.CalendarDate, by grouping: SurveyGrouping?
    ) async throws -> [(group: String?, summary: SurveySummary)] {
        let programs = self.programs
        var segments: [String: String] = [:]
        if grouping == .segment {
            for standing in try await allStandings(in: try await customerBase(referenceDate: to)) {
                segments[standing.memberID] = standing.segment.rawValue
            }
        }
        return try await database.read { [segments] database in
            let (_, program) = try await programs.current(in: database)
            let offset = program.utcOffset
            let start = offset.startOf(from).millisecondsSinceEpoch
            let end = offset.startOf(to.addingDays(1)).millisecondsSinceEpoch
            let rows = try await database.raw(
                """
                SELECT i.member_id, i.created_at, i.answer_value, i.store_id, i.channel, m.tier
                FROM survey_invitations i JOIN members m ON m.id = i.member_id
                WHERE i.kind = \(bind: kind.rawValue) AND i.created_at >= \(bind: start) AND i.created_at < \(bind: end)
                """
            ).all()
            var groups: [String?: (invited: Int, values: [Int])] = [:]
            for row in rows {
                let group: String? =
                    switch grouping {
                    case nil: nil
                    case .tier: try row.decode(column: "tier", as: String?.self)
                    case .store: try row.decode(column: "store_id", as: String?.self)
                    case .channel: try row.decode(column: "channel", as: String?.self)
                    case .segment: segments[try row.decode(column: "member_id", as: String.self)]
                    case .month:
                        offset.date(
                            of: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self))
                        ).monthString
                    }
                var tally = groups[group] ?? (0, [])
                tally.invited += 1
                if let value = try row.decode(column: "answer_value", as: Int64?.self) {
                    tally.values.append(Int(value))
                }
                groups[group] = tally
            }
            if grouping == nil, groups.isEmpty { groups[nil] = (0, []) }
            return groups.sorted { ($0.key ?? "") < ($1.key ?? "") }.map {
                (group: $0.key, summary: SurveySummary(kind: kind, invited: $0.value.invited, values: $0.value.values))
            }
        }
    }
}
