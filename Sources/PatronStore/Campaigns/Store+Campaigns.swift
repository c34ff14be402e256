import Foundation
import PatronCore
import SQLKit

extension Store {
    /// Saves the campaign, a draft (201 when new); its segment and templates must exist. Only a draft changes.
    public func saveCampaign(
        id: String, definition: CampaignDefinition, acceptedVersions: Set<Int64>?,
        by actor: String, at instant: Timestamp
    ) async throws -> (campaign: SavedCampaign, created: Bool) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(definition), as: UTF8.self)
        let now = instant.millisecondsSinceEpoch
        return try await database.write { database in
            try await Self.checkReferences(definition, in: database)
            let current = try await Self.lockCampaign(id, in: database)
            if let acceptedVersions, !acceptedVersions.contains(current?.version ?? 0) {
                throw CampaignError.versionMismatch(current: current?.version ?? 0)
            }
            if let current {
                guard current.state == .draft else {
                    throw CampaignError.notDraft(campaignID: id, state: current.state)
                }
                try await database.raw(
                    """
                    UPDATE campaigns SET version = version + 1, definition = \(bind: text), send_at = \(bind: definition.sendAt?.millisecondsSinceEpoch),
                        updated_at = \(bind: now)
                    WHERE campaign_id = \(bind: id)
                    """
                ).run()
            } else {
                try await database.raw(
                    """
                    INSERT INTO campaigns (campaign_id, version, definition, salt, state, send_at, audience, queued,
                                           created_by, created_at, updated_at)
                    VALUES (\(bind: id), 1, \(bind: text), \(bind: Identifier.randomToken(count: 16)), 'draft',
                            \(bind: definition.sendAt?.millisecondsSinceEpoch), 0, 0, \(bind: actor), \(bind: now),
                            \(bind: now))
                    """
                ).run()
            }
            guard let saved = try await Self.campaign(id: id, in: database) else { throw CampaignError.notFound(id) }
            return (saved, current == nil)
        }
    }

    public func campaign(id: String) async throws -> SavedCampaign {
        try await database.read { database in
            guard let campaign = try await Self.campaign(id: id, in: database) else {
                throw CampaignError.notFound(id)
            }
            return campaign
        }
    }

    /// Every campaign, newest first.
    public func campaigns() async throws -> [SavedCampaign] {
        try await database.read { database in
            try await database.raw(
                "SELECT \(SavedCampaign.columns) FROM campaigns ORDER BY created_at DESC, campaign_id"
            ).all().map(SavedCampaign.init(row:))
        }
    }

    /// Launches a draft: scheduled while its `send_at` is ahead, else queued from now on by
    /// ``runCampaign(id:at:batchSize:)``. Launching a launched campaign again answers it as it is: a retry
    /// (`launched` false).
    @discardableResult
    public func launchCampaign(
        id: String, at instant: Timestamp
    ) async throws -> (campaign: SavedCampaign, launched: Bool) {
        let now = instant.millisecondsSinceEpoch
        let (campaign, launched) = try await database.write { database in
            guard let current = try await Self.lockCampaign(id, in: database),
                let campaign = try await Self.campaign(id: id, in: database)
            else { throw CampaignError.notFound(id) }
            if current.state == .cancelled { throw CampaignError.cancelled(campaignID: id) }
            guard current.state == .draft else { return (campaign, false) }
            try await Self.checkReferences(campaign.definition, in: database)
            let later = campaign.definition.sendAt.map { $0.millisecondsSinceEpoch > now } ?? false
            try await database.raw(
                """
                UPDATE campaigns SET state = \(bind: later ? CampaignState.scheduled.rawValue : CampaignState.launching.rawValue),
                    version = version + 1, updated_at = \(bind: now)
                WHERE campaign_id = \(bind: id)
                """
            ).run()
            return (try await Self.campaign(id: id, in: database) ?? campaign, true)
        }
        if campaign.state == .launching { campaignAlarm.ring() }
        return (campaign, launched)
    }

    /// Stops the campaign: nothing more is queued, and its messages not yet sent are skipped as cancelled (those
    /// already handed over stay as they went). Cancelling again answers it as it is.
    public func cancelCampaign(id: String, at instant: Timestamp) async throws -> SavedCampaign {
        let now = instant.millisecondsSinceEpoch
        return try await database.write { database in
            guard let current = try await Self.lockCampaign(id, in: database) else {
                throw CampaignError.notFound(id)
            }
            if current.state != .cancelled {
                try await database.raw(
                    """
                    UPDATE campaigns SET state = 'cancelled', version = version + 1, runner = NULL, runner_until = NULL,
                        updated_at = \(bind: now)
                    WHERE campaign_id = \(bind: id)
                    """
                ).run()
                try await database.raw(
                    """
                    UPDATE messages SET status = 'skipped', skip_reason = \(bind: SkipReason.cancelled.rawValue),
                        updated_at = \(bind: now)
                    WHERE source = \(bind: "campaign:" + id) AND status IN ('queued', 'held')
                    """
                ).run()
            }
            guard let campaign = try await Self.campaign(id: id, in: database) else { throw CampaignError.notFound(id) }
            return campaign
        }
    }

    static func campaign(id: String, in database: any SQLDatabase) async throws -> SavedCampaign? {
        try await database.raw("SELECT \(SavedCampaign.columns) FROM campaigns WHERE campaign_id = \(bind: id)")
            .first().map(SavedCampaign.init(row:))
    }

    /// The campaign's version and state, its row locked against other writers (a new id's name on PostgreSQL).
    private static func lockCampaign(
        _ id: String, in database: any SQLDatabase
    ) async throws -> (version: Int64, state: CampaignState)? {
        if database.dialect.name == "postgresql" {
            try await database.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "campaign:" + id)))").run()
        }
        return try await database.raw(
            """
            SELECT version, state FROM campaigns WHERE campaign_id = \(bind: id) \(MemberRepository.forUpdate(database))
            """
        ).first().map {
            (
                try $0.decode(column: "version", as: Int64.self),
                CampaignState(rawValue: try $0.decode(column: "state", as: String.self)) ?? .draft
            )
        }
    }

    /// The segment and every template the campaign names must exist when it is saved and when it goes.
    private static func checkReferences(_ definition: CampaignDefinition, in database: any SQLDatabase) async throws {
        var problems: [FieldError] = []
        let segment = try await database.raw(
            """
            SELECT removed FROM segments WHERE segment_id = \(bind: definition.segmentID)
            ORDER BY version DESC LIMIT 1
            """
        ).first()
        if try segment?.decode(column: "removed", as: Int64.self) != 0 {
            problems.append(FieldError(pointer: "/segment_id", detail: "names no segment"))
        }
        for (index, variant) in definition.variants.enumerated() {
            do {
                _ = try await template(id: variant.templateID, version: nil, in: database)
            } catch TemplateError.notFound {
                problems.append(FieldError(pointer: "/variants/\(index)/template_id", detail: "names no template"))
            }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }
}
