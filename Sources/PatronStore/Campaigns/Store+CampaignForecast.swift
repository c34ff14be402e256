import Foundation
import PatronCore
import SQLKit

/// What launching a campaign now would do to one arm: its members, and what the guardrails would decide for
/// their messages at this moment.
public struct ArmForecast: Sendable, Hashable {
    public var arm: String
    public var members: Int
    public var sends: [MessageChannel: Int]
    /// Marketing due inside quiet hours, held until they end.
    public var held: Int
    public var skipped: [SkipReason: Int]
}

extension Store {
    /// A dry run of the campaign: its segment read now, split into arms as launching would, and each message
    /// put through the guardrails (`available` being the channels the server sends on) without sending or
    /// writing anything. Marketing already sent counts against the caps as it would.
    public func campaignForecast(
        id: String, available: Set<MessageChannel>, at instant: Timestamp, batchSize: Int = 2_000
    ) async throws -> [ArmForecast] {
        let campaign = try await self.campaign(id: id)
        let definition = campaign.definition
        let (_, program) = try await self.program()
        let segment = try await self.segment(id: definition.segmentID)
        let everyone = try await segmentMembers(segment.definition.rule, at: instant).memberIDs
        var templates: [String: MessageTemplate] = [:]
        for variant in definition.variants {
            templates[variant.variantID] = try await template(id: variant.templateID).template
        }
        var forecasts: [String: ArmForecast] = [:]
        let names =
            [CampaignDefinition.holdoutArm] + definition.variants.map(\.variantID)
            + [CampaignDefinition.globalControlArm]
        for name in names {
            forecasts[name] = ArmForecast(arm: name, members: 0, sends: [:], held: 0, skipped: [:])
        }
        let control = program.messaging.globalControl
        let members = self.members
        var start = 0
        while start < everyone.count {
            let batch = Array(everyone[start..<min(start + batchSize, everyone.count)])
            start += batch.count
            let recipients = try await database.read { database in
                try await Self.recipients(batch, members: members, at: instant.millisecondsSinceEpoch, in: database)
            }
            for member in batch {
                let arm =
                    control.contains(member)
                    ? CampaignDefinition.globalControlArm : campaign.assignment.arm(of: member, in: definition)
                forecasts[arm]?.members += 1
                guard let template = templates[arm] else { continue }
                guard let recipient = recipients[member]?.recipient else {
                    forecasts[arm]?.skipped[.memberInactive, default: 0] += 1
                    continue
                }
                let decision = SendDecision.decide(
                    category: template.category,
                    channels: definition.channels.isEmpty ? template.channels : definition.channels,
                    template: template, recipient: recipient, available: available, settings: program.messaging,
                    offset: program.utcOffset, at: instant)
                switch decision {
                case .send(let channel): forecasts[arm]?.sends[channel, default: 0] += 1
                case .hold: forecasts[arm]?.held += 1
                case .skip(let reason): forecasts[arm]?.skipped[reason, default: 0] += 1
                }
            }
        }
        // The arms the results show: the holdout when there is one, the global control when it holds anyone.
        return names.compactMap { forecasts[$0] }.filter {
            switch $0.arm {
            case CampaignDefinition.holdoutArm: definition.holdoutPercent > 0
            case CampaignDefinition.globalControlArm: $0.members > 0
            default: true
            }
        }
    }
}
