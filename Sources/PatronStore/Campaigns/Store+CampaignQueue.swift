import Foundation
import PatronCore
import SQLKit

/// What one run of a campaign's queueing did.
public struct CampaignRun: Sendable, Hashable {
    /// Members given an arm (and, outside the holdout and the global control, a message) by this run.
    public var queued: Int
    /// Whether the campaign is now launched: its whole audience queued.
    public var finished: Bool
}

extension Store {
    /// How long a node queueing a campaign keeps it from the others without a word; each batch renews it.
    static let campaignLeaseMilliseconds: Int64 = 30_000

    /// Campaigns with queueing to do now: scheduled ones whose time came, and launching ones no live node runs.
    public func dueCampaigns(at instant: Timestamp) async throws -> [String] {
        let now = instant.millisecondsSinceEpoch
        return try await database.read { database in
            try await database.raw(
                """
                SELECT campaign_id FROM campaigns
                WHERE (state = 'scheduled' AND send_at <= \(bind: now))
                   OR (state = 'launching' AND (runner_until IS NULL OR runner_until < \(bind: now)))
                ORDER BY campaign_id
                """
            ).all().map { try $0.decode(column: "campaign_id", as: String.self) }
        }
    }

    /// Queues the campaign's audience, in batches of `batchSize` members in id order, each batch one transaction
    /// that gives every member an arm and every member outside the holdout and the global control a message due
    /// now. A node that dies leaves a cursor; the next run goes on after it, and a batch run twice adds nothing
    /// (members and message keys are unique). The segment is read when the run starts. Answers nothing done when
    /// another node holds the campaign, or it is not due.
    public func runCampaign(id: String, at instant: Timestamp, batchSize: Int = 5_000) async throws -> CampaignRun {
        let runner = Identifier.make(prefix: "run", milliseconds: instant.millisecondsSinceEpoch)
        guard let (campaign, cursor) = try await takeCampaign(id: id, runner: runner, at: instant) else {
            return CampaignRun(queued: 0, finished: false)
        }
        let (_, program) = try await self.program()
        let segment = try await self.segment(id: campaign.definition.segmentID)
        let everyone = try await segmentMembers(segment.definition.rule, at: instant).memberIDs
        let arms = try await armMessages(campaign)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let refs = String(decoding: try encoder.encode(MessageRefs()), as: UTF8.self)
        let remaining = cursor.map { last in everyone.drop { $0 <= last } } ?? everyone[...]
        var queued = 0
        var start = remaining.startIndex
        while start < remaining.endIndex {
            let batch = remaining[start..<min(start + batchSize, remaining.endIndex)]
            guard
                let added = try await queueBatch(
                    Array(batch), of: campaign, arms: arms, refs: refs, control: program.messaging.globalControl,
                    runner: runner,
                    audience: cursor == nil && start == remaining.startIndex ? everyone.count : nil)
            else { return CampaignRun(queued: queued, finished: false) }
            queued += added
            start = batch.endIndex
            // The dispatcher sends each batch while the next is queued.
            if added > 0 { messageAlarm.ring() }
        }
        let now = clock.now.millisecondsSinceEpoch
        let finished = try await database.write { database in
            try await database.raw(
                """
                UPDATE campaigns SET state = 'launched', finished_at = \(bind: now), runner = NULL, runner_until = NULL,
                    audience = CASE WHEN audience = 0 THEN queued ELSE audience END, version = version + 1,
                    updated_at = \(bind: now)
                WHERE campaign_id = \(bind: id) AND runner = \(bind: runner) AND state = 'launching'
                RETURNING campaign_id
                """
            ).first() != nil
        }
        return CampaignRun(queued: queued, finished: finished)
    }

    /// Takes the campaign for `runner` when it is due and no live node holds it, starting a scheduled one;
    /// answers it and the last member id queued.
    private func takeCampaign(
        id: String, runner: String, at instant: Timestamp
    ) async throws -> (SavedCampaign, String?)? {
        let now = instant.millisecondsSinceEpoch
        return try await database.write { database in
            guard
                let row = try await database.raw(
                    """
                    SELECT state, send_at, cursor, runner_until FROM campaigns WHERE campaign_id = \(bind: id)
                    \(MemberRepository.forUpdate(database))
                    """
                ).first()
            else { throw CampaignError.notFound(id) }
            let state = CampaignState(rawValue: try row.decode(column: "state", as: String.self))
            let sendAt = try row.decode(column: "send_at", as: Int64?.self)
            let leaseUntil = try row.decode(column: "runner_until", as: Int64?.self)
            let due = state == .scheduled && (sendAt ?? 0) <= now
            guard due || (state == .launching && (leaseUntil ?? 0) < now) else { return nil }
            try await database.raw(
                """
                UPDATE campaigns SET state = 'launching', runner = \(bind: runner),
                    runner_until = \(bind: now + Self.campaignLeaseMilliseconds),
                    started_at = COALESCE(started_at, \(bind: now)), updated_at = \(bind: now)
                WHERE campaign_id = \(bind: id)
                """
            ).run()
            guard let campaign = try await Self.campaign(id: id, in: database) else { throw CampaignError.notFound(id) }
            return (campaign, try row.decode(column: "cursor", as: String?.self))
        }
    }

    /// What a message of each variant is: its template's version in force when queueing starts, its category,
    /// and the channels to try.
    private func armMessages(_ campaign: SavedCampaign) async throws -> [SQLQueryString] {
        var arms: [SQLQueryString] = []
        for variant in campaign.definition.variants {
            let template = try await self.template(id: variant.templateID)
            let channels =
                campaign.definition.channels.isEmpty ? template.template.channels : campaign.definition.channels
            arms.append(
                """
                (\(bind: variant.variantID), \(bind: template.templateID), \(bind: template.version),
                 \(bind: template.template.category.rawValue), \(bind: channels.map(\.rawValue).joined(separator: ",")))
                """)
        }
        return arms
    }

    private static func recipientRow(
        _ campaign: String, _ member: String, _ place: (arm: String, message: String)
    ) -> SQLQueryString {
        "(\(bind: campaign), \(bind: member), \(bind: place.arm), \(bind: place.message.isEmpty ? nil : place.message))"
    }

    /// One batch in one transaction: arms, then messages from the arms (so a batch run again finds the message
    /// ids chosen the first time), then the cursor. Nil when the campaign is no longer this runner's.
    private func queueBatch(
        _ members: [String], of campaign: SavedCampaign, arms: [SQLQueryString], refs: String,
        control: GlobalControl, runner: String, audience: Int?
    ) async throws -> Int? {
        let now = clock.now.millisecondsSinceEpoch
        let assignment = campaign.assignment
        // Placed before the transaction, which then holds the writer only to write.
        let placed = members.map { member -> (arm: String, message: String) in
            let arm =
                control.contains(member)
                ? CampaignDefinition.globalControlArm : assignment.arm(of: member, in: campaign.definition)
            let sent = arm != CampaignDefinition.holdoutArm && arm != CampaignDefinition.globalControlArm
            return (arm, sent ? Identifier.make(prefix: "msg", milliseconds: now) : "")
        }
        let source = campaign.messageSource
        let id = campaign.campaignID
        return try await database.write { database in
            let isPostgres = database.dialect.name == "postgresql"
            if isPostgres {
                // A batch lost with an unflushed commit is lost with its cursor, and queued again from there.
                try await database.raw("SET LOCAL synchronous_commit = off").run()
            }
            guard
                try await database.raw(
                    """
                    UPDATE campaigns SET cursor = \(bind: members.last), runner_until = \(bind: now + Self.campaignLeaseMilliseconds),
                        audience = COALESCE(\(bind: audience.map(Int64.init)), audience), updated_at = \(bind: now)
                    WHERE campaign_id = \(bind: id) AND runner = \(bind: runner) AND state = 'launching'
                    RETURNING campaign_id
                    """
                ).first() != nil
            else { return nil }
            // PostgreSQL takes each column as one array; thousands of parameters would cost more to bind than
            // the rows cost to write.
            let rows: SQLQueryString =
                isPostgres
                ? """
                SELECT \(bind: id), m, a, NULLIF(g, '')
                FROM unnest(\(bind: members)::text[], \(bind: placed.map(\.arm))::text[],
                            \(bind: placed.map(\.message))::text[]) AS t(m, a, g)
                """
                : "VALUES \(SQLList(zip(members, placed).map { Self.recipientRow(id, $0, $1) }))"
            let batch: SQLQueryString =
                isPostgres
                ? "r.member_id = ANY(\(bind: members))" : "r.member_id IN (\(SQLList(members.map { SQLBind($0) })))"
            let added = try await database.raw(
                """
                INSERT INTO campaign_recipients (campaign_id, member_id, arm, message_id) \(rows)
                ON CONFLICT (campaign_id, member_id) DO NOTHING RETURNING 1 AS added
                """
            ).all().count
            try await database.raw(
                """
                WITH arms (arm, template_id, template_version, category, channels) AS (VALUES \(SQLList(arms)))
                INSERT INTO messages (message_id, natural_key, member_id, template_id, template_version, category,
                                      channels, source, refs, status, attempts, due_at, created_at, updated_at)
                SELECT r.message_id, \(bind: source + ":") || r.member_id, r.member_id, a.template_id,
                       a.template_version, a.category, a.channels, \(bind: source), \(bind: refs), 'queued', 0,
                       \(bind: now), \(bind: now), \(bind: now)
                FROM campaign_recipients r JOIN arms a ON a.arm = r.arm
                WHERE r.campaign_id = \(bind: id) AND r.message_id IS NOT NULL AND \(batch)
                ON CONFLICT (natural_key) DO NOTHING
                """
            ).run()
            try await database.raw(
                """
                UPDATE campaigns SET queued = queued + \(bind: Int64(added)) WHERE campaign_id = \(bind: id)
                """
            ).run()
            return added
        }
    }
}
