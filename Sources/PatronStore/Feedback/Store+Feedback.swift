import Foundation
import PatronCore
import SQLKit

/// A piece of feedback as stored: what was said, what Patron made of it, and whether its words are still kept.
public struct FeedbackItem: Sendable, Hashable {
    public var submission: FeedbackSubmission
    public var assessment: FeedbackAssessment
    public var receivedAt: Timestamp
    /// When the text and contact were removed (retention or erasure); the rating, score and severity stay.
    public var textRemovedAt: Timestamp?
    /// The ticket it opened, when it needed an answer from a person.
    public var ticketID: String?
}

public enum FeedbackError: Error, Sendable, Hashable {
    /// The feedback id was used before for other content.
    case idReusedWithDifferentContent(feedbackID: String)
}

extension Store {
    /// Records feedback, its text and contact sealed under the member's key (the shared key when nobody known
    /// gave it), assessed with the program's urgent terms. Idempotent on `feedback_id`: the same content again
    /// answers the stored item, `isReplay` true; other content under a used id is refused.
    public func recordFeedback(
        _ submission: FeedbackSubmission, fingerprint: String
    ) async throws -> (item: FeedbackItem, isReplay: Bool) {
        let (members, programs) = (self.members, self.programs)
        let stored = try await database.write { database -> FeedbackItem? in
            if let memberID = submission.memberID {
                do {
                    try await Self.lockLiveMember(memberID, in: database)
                } catch MemberError.notFound {
                    throw ValidationFailure(pointer: "/member_id", detail: "no member with id '\(memberID)'")
                }
            }
            let (_, program) = try await programs.current(in: database)
            return try await Self.insertFeedback(
                submission, fingerprint: fingerprint, at: clock.milliseconds, members: members, program: program,
                sentimentModels: sentimentModels,
                in: database)
        }
        if let stored {
            if stored.ticketID != nil { deadlineAlarm.ring() }
            return (stored, false)
        }
        let storedFingerprint = try await database.read { database in
            try await database.raw(
                "SELECT request_fingerprint FROM feedback WHERE feedback_id = \(bind: submission.feedbackID)"
            ).first()?.decode(column: "request_fingerprint", as: String.self)
        }
        guard storedFingerprint == fingerprint, let item = try await feedback(id: submission.feedbackID) else {
            throw FeedbackError.idReusedWithDifferentContent(feedbackID: submission.feedbackID)
        }
        return (item, true)
    }

    /// Inserts feedback inside the caller's transaction, the member (if any) already locked and alive, and opens
    /// its ticket when it needs one (unless `opensTicket` is false: history); nil when the id was used before
    /// (nothing written).
    static func insertFeedback(
        _ submission: FeedbackSubmission, fingerprint: String, at now: Int64, members: MemberRepository,
        program: LoyaltyProgram, sentimentModels: SentimentModelBook, opensTicket: Bool = true,
        in database: any SQLDatabase
    ) async throws -> FeedbackItem? {
        let sealer =
            if let memberID = submission.memberID, submission.text != nil || submission.contact != nil {
                try await members.sealer(for: memberID, at: now, in: database)
            } else {
                PersonalSealer(protector: members.protector, key: nil)
            }
        var sentiment: FeedbackSentiment?
        if let text = submission.text { sentiment = try await sentimentModels.read(text, in: database) }
        let assessment = FeedbackAssessment.assess(
            submission, urgentTerms: program.feedback.urgentTerms, sentiment: sentiment,
            topics: submission.text.map(FeedbackTopics.of) ?? [])
        let inserted = try await database.raw(
            """
            INSERT INTO feedback (feedback_id, channel, member_id, contact_ciphertext, order_id, store_id, rating,
                                  score, text_ciphertext, language, tags, severity, urgent_topics, sentiment,
                                  sentiment_score, topics, request_fingerprint, submitted_at, received_at)
            VALUES (\(bind: submission.feedbackID), \(bind: submission.channel.rawValue), \(bind: submission.memberID),
                    \(bind: try submission.contact.map { try sealer.seal(Self.contactJSON($0)) }),
                    \(bind: submission.orderID), \(bind: submission.storeID), \(bind: submission.rating.map(Int64.init)),
                    \(bind: submission.score.map(Int64.init)), \(bind: try submission.text.map(sealer.seal)),
                    \(bind: submission.language), \(bind: try Self.list(submission.tags)),
                    \(bind: assessment.severity.rawValue), \(bind: try Self.list(assessment.urgentTopics)),
                    \(bind: sentiment?.label.rawValue), \(bind: sentiment?.score),
                    \(bind: try Self.list(assessment.topics)), \(bind: fingerprint), \(bind: submission.submittedAt.millisecondsSinceEpoch), \(bind: now))
            ON CONFLICT (feedback_id) DO NOTHING RETURNING feedback_id
            """
        ).first()
        guard inserted != nil else { return nil }
        var item = FeedbackItem(
            submission: submission, assessment: assessment, receivedAt: Timestamp(millisecondsSinceEpoch: now))
        var tier: String?
        // An import opens no tickets, so it need not read the tier.
        if opensTicket, let memberID = submission.memberID {
            tier = try await database.raw("SELECT tier FROM members WHERE id = \(bind: memberID)").first()?
                .decode(column: "tier", as: String?.self)
        }
        if opensTicket, TicketRules.opensTicket(assessment, memberTier: tier, tiers: program.tiers) {
            item.ticketID = try await Self.openTicket(
                subject: nil, memberID: submission.memberID, feedbackID: submission.feedbackID,
                priority: TicketRules.priority(for: assessment.severity, memberTier: tier, tiers: program.tiers),
                storeID: submission.storeID, topics: assessment.urgentTopics, openedBy: "feedback", at: now,
                program: program, sealer: sealer,
                in: database)
            if let ticketID = item.ticketID, submission.memberID != nil || submission.contact != nil,
                let text = program.service.acknowledgement(ticketID: ticketID, language: submission.language)
            {
                // Under the member's key, so erasure takes it with their other words.
                var owner = sealer
                if let memberID = submission.memberID {
                    owner = try await members.sealer(for: memberID, at: now, in: database)
                }
                try await acknowledge(ticketID, text: text, sealer: owner, at: now, in: database)
            }
        }
        // An import of past feedback raises no events, like the other imports of history.
        if opensTicket {
            try await Outbox.emit(
                .feedbackReceived, memberID: submission.memberID,
                data: [
                    "feedback_id": .string(submission.feedbackID), "channel": .string(submission.channel.rawValue),
                    "rating": submission.rating.map { JSONValue(Int64($0)) } ?? .null,
                    "score": submission.score.map { JSONValue(Int64($0)) } ?? .null,
                    "severity": .string(assessment.severity.rawValue),
                    "sentiment": JSONValue(sentiment?.label.rawValue),
                    "topics": .array(assessment.topics.map(JSONValue.string)), "ticket_id": JSONValue(item.ticketID),
                    "order_id": JSONValue(submission.orderID), "store_id": JSONValue(submission.storeID),
                ], at: now, in: database)
        }
        return item
    }

    public func feedback(id: String) async throws -> FeedbackItem? {
        try await feedback(where: "feedback_id = \(bind: id)", limit: 1).first
    }

    /// Feedback newest first, of one member or of everyone, optionally of one severity.
    public func feedback(
        memberID: String?, severity: FeedbackSeverity?, after cursor: String?, limit: Int
    ) async throws -> Page<FeedbackItem> {
        var condition: SQLQueryString = "1 = 1"
        if let memberID { condition = condition + " AND member_id = \(bind: memberID)" }
        if let severity { condition = condition + " AND severity = \(bind: severity.rawValue)" }
        if let position = cursor.flatMap(FeedbackCursor.decode) {
            condition =
                condition
                    + """
                     AND (received_at < \(bind: position.receivedAt)
                          OR (received_at = \(bind: position.receivedAt) AND feedback_id < \(bind: position.feedbackID)))
                    """
        }
        let found = try await feedback(where: condition, limit: limit + 1)
        let page = Array(found.prefix(limit))
        return Page(items: page, nextCursor: found.count > limit ? page.last.map(FeedbackCursor.encode) : nil)
    }

    private func feedback(where condition: SQLQueryString, limit: Int) async throws -> [FeedbackItem] {
        let members = self.members
        return try await database.read { database in
            let rows = try await database.raw(
                """
                SELECT feedback_id, channel, member_id, contact_ciphertext, order_id, store_id, rating, score,
                       text_ciphertext, language, tags, severity, urgent_topics, sentiment, sentiment_score,
                       topics, submitted_at, received_at,
                       text_removed_at, (SELECT t.ticket_id FROM tickets t WHERE t.feedback_id = feedback.feedback_id) AS ticket_id
                FROM feedback WHERE \(condition)
                ORDER BY received_at DESC, feedback_id DESC LIMIT \(unsafeRaw: String(limit))
                """
            ).all()
            let memberIDs = try Set(rows.compactMap { try $0.decode(column: "member_id", as: String?.self) })
            let sealers = try await members.sealers(for: Array(memberIDs), in: database)
            return try rows.map { row in
                let memberID = try row.decode(column: "member_id", as: String?.self)
                let opener =
                    memberID.map { members.opener(for: $0, in: sealers) }
                    ?? PersonalSealer(protector: members.protector, key: nil)
                let submission = FeedbackSubmission(
                    feedbackID: try row.decode(column: "feedback_id", as: String.self),
                    channel: try StoredValue.decode(FeedbackChannel.self, row, "channel"), memberID: memberID,
                    contact: try row.decode(column: "contact_ciphertext", as: String?.self).map {
                        try Self.contact(fromJSON: try opener.open($0))
                    },
                    orderID: try row.decode(column: "order_id", as: String?.self),
                    storeID: try row.decode(column: "store_id", as: String?.self),
                    rating: try row.decode(column: "rating", as: Int64?.self).map(Int.init),
                    score: try row.decode(column: "score", as: Int64?.self).map(Int.init),
                    text: try row.decode(column: "text_ciphertext", as: String?.self).map(opener.open),
                    language: try row.decode(column: "language", as: String?.self),
                    tags: try Self.list(try row.decode(column: "tags", as: String.self)),
                    submittedAt: Timestamp(
                        millisecondsSinceEpoch: try row.decode(column: "submitted_at", as: Int64.self)))
                return FeedbackItem(
                    submission: submission,
                    assessment: FeedbackAssessment(
                        severity: try StoredValue.decode(FeedbackSeverity.self, row, "severity"),
                        urgentTopics: try Self.list(try row.decode(column: "urgent_topics", as: String.self)),
                        sentiment: try Self.sentiment(row),
                        topics: try Self.list(try row.decode(column: "topics", as: String?.self) ?? "[]")),
                    receivedAt: Timestamp(
                        millisecondsSinceEpoch: try row.decode(column: "received_at", as: Int64.self)),
                    textRemovedAt: try row.decode(column: "text_removed_at", as: Int64?.self).map {
                        Timestamp(millisecondsSinceEpoch: $0)
                    }, ticketID: try row.decode(column: "ticket_id", as: String?.self))
            }
        }
    }

    static func sentiment(_ row: any SQLRow) throws -> FeedbackSentiment? {
        guard let label = try row.decode(column: "sentiment", as: String?.self),
            let score = try row.decode(column: "sentiment_score", as: Double?.self)
        else { return nil }
        guard let known = FeedbackSentiment.Label(rawValue: label) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "sentiment holds unknown value '\(label)'"))
        }
        return FeedbackSentiment(label: known, score: score)
    }

    /// An item's urgent topics, tags and text topics, as the listening report counts them.
    static func topicNames(_ row: any SQLRow) throws -> [String] {
        try ["urgent_topics", "tags", "topics"].flatMap { column in
            try list(try row.decode(column: column, as: String?.self) ?? "[]")
        }
    }

    private static func list(_ values: [String]) throws -> String {
        try JSONCoding.encode(.array(values.map(JSONValue.string)))
    }

    private static func list(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    private static func contactJSON(_ contact: FeedbackContact) throws -> String {
        var object: [String: JSONValue] = [:]
        object["name"] = contact.name.map(JSONValue.string)
        object["email"] = contact.email.map { .string($0.value) }
        object["phone"] = contact.phone.map { .string($0.e164) }
        return try JSONCoding.encode(.object(object))
    }

    private static func contact(fromJSON text: String) throws -> FeedbackContact {
        let object = try JSONCoding.decodeObject(text)
        func field(_ key: String) -> String? {
            if case .string(let value) = object[key] { value } else { nil }
        }
        return FeedbackContact(
            name: field("name"), email: field("email").flatMap(EmailAddress.init),
            phone: field("phone").flatMap(PhoneNumber.init))
    }
}

/// `received_at:feedback_id` of the last item on a page.
enum FeedbackCursor {
    static func encode(_ item: FeedbackItem) -> String {
        "\(item.receivedAt.millisecondsSinceEpoch):\(item.submission.feedbackID)"
    }

    static func decode(_ cursor: String) -> (receivedAt: Int64, feedbackID: String)? {
        guard let colon = cursor.firstIndex(of: ":"), let receivedAt = Int64(cursor[..<colon]) else { return nil }
        return (receivedAt, String(cursor[cursor.index(after: colon)...]))
    }
}
