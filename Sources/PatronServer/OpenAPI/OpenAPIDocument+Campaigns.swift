import OpenAPIKit
import PatronCore
import PatronStore

/// Campaigns: drafts, launches, dry runs and results.
extension OpenAPIDocument {
    static var campaignPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let campaignID = OpenAPI.Parameter.path(
            name: "campaign_id",
            schema: .string(minLength: 1, maxLength: 64, pattern: "^(?!surprise$)[A-Za-z0-9_-]+$"),
            description: "The campaign's id, chosen by the shop; not `surprise`, whose path is the surprise route's.")
        let missing = (Failure.notFound, "No campaign has this id.")
        let version = "The campaign's version"
        return [
            "/v1/campaigns": .init(
                get: operation(
                    "Every campaign, newest first", id: "listCampaigns", scope: .reportsRead,
                    answers: [.ok(page(of: .campaign))])),
            "/v1/campaigns/{campaign_id}": .init(
                get: operation(
                    "A campaign: its definition, its state, and how much of its audience is queued",
                    id: "getCampaign", scope: .reportsRead, parameters: [campaignID],
                    answers: [Success.ok(ref(.campaign)).tagged(by: version)], failures: [missing]),
                put: operation(
                    "Create a draft campaign (201) or change it (200); only a draft changes",
                    id: "saveCampaign", scope: .campaignsWrite, parameters: [campaignID, ifMatch],
                    body: ref(.campaignInput),
                    answers: [
                        Success.created(ref(.campaign)).tagged(by: version),
                        Success.ok(ref(.campaign), "Changed").tagged(by: version),
                    ],
                    failures: [
                        (.conflict, "The campaign was launched or cancelled: only a draft changes."),
                        (.preconditionFailed, "If-Match names another version of the campaign."),
                        (
                            .unprocessable,
                            "A field is invalid, or the segment or a template does not exist."
                        ),
                    ])),
            "/v1/campaigns/{campaign_id}/launch": .init(
                post: operation(
                    "Launch a draft: queued now, or scheduled for its send_at (202); launching again answers it as it "
                        + "is (200)",
                    id: "launchCampaign", scope: .messagesSend, parameters: [campaignID],
                    answers: [
                        Success(
                            status: 202, description: "Launched: queueing has begun or is scheduled",
                            schema: ref(.campaign)
                        ).tagged(by: version),
                        Success.ok(ref(.campaign), "Launched before: as it is now").tagged(by: version),
                    ],
                    failures: [
                        missing, (.conflict, "The campaign was cancelled."),
                        (.unprocessable, "Its segment or a template no longer exists."),
                    ])),
            "/v1/campaigns/{campaign_id}/cancel": .init(
                post: operation(
                    "Stop a campaign: nothing more is queued, and its messages not yet sent are skipped",
                    id: "cancelCampaign", scope: .messagesSend, parameters: [campaignID],
                    answers: [Success.ok(ref(.campaign)).tagged(by: version)], failures: [missing])),
            "/v1/campaigns/{campaign_id}/forecast": .init(
                get: operation(
                    "A dry run: the segment now, split into arms, each message put through consent, channels, "
                        + "caps and quiet hours; sends and writes nothing",
                    id: "campaignForecast", scope: .reportsRead, parameters: [campaignID],
                    answers: [.ok(ref(.campaignForecast))],
                    failures: [(.notFound, "No campaign has this id, or its segment or a template is gone.")])),
            "/v1/campaigns/{campaign_id}/results": .init(
                get: operation(
                    "Each arm's messages, conversions and revenue in the conversion window, each variant against the "
                        + "holdout, and whether a winner can be named",
                    id: "campaignResults", scope: .reportsRead, parameters: [campaignID],
                    answers: [.ok(ref(.campaignResults))], failures: [missing])),
        ]
    }

    static var campaignSchemas: [SchemaName: JSONSchema] {
        let variantID = pattern(
            "^(?!holdout$)(?!global_control$)[A-Za-z0-9_-]{1,32}$", maxLength: 32,
            description: "Letters, digits, - and _; not holdout or global_control.")
        let outcome: OrderedDictionary<String, JSONSchema> = [
            "members": count(), "conversions": count(), "conversion_rate": number(0, 1),
            "revenue": output(description: "In major units, as text: 1280.50."),
            "revenue_per_member": number(description: "In major units."),
        ]
        var arm: OrderedDictionary<String, JSONSchema> = [
            "arm": output(), "messages": counts(of: MessageStatus.self), "skipped": counts(of: SkipReason.self),
        ]
        arm.merge(outcome) { $1 }
        let interval = object(
            [
                "difference": number(), "lower": number(), "upper": number(), "p_value": number(0, 1),
            ], nullable: true,
            description: "The arm minus the baseline, its 95% interval and two-sided p-value; null while untestable.")
        let definition: OrderedDictionary<String, JSONSchema> = [
            "name": text(maxLength: SegmentDefinition.maximumNameLength, nonBlank: true),
            "segment_id": pattern("^[A-Za-z0-9_-]{1,64}$", maxLength: 64),
            "variants": list(
                input([
                    "variant_id": variantID, "template_id": text(maxLength: 64),
                    "weight": integer(1, 100, required: false, description: "Its share of the rest (default 1)."),
                ]), minItems: 1, maxItems: CampaignDefinition.maximumVariants),
            "channels": list(
                cases(MessageChannel.self), maxItems: MessageChannel.allCases.count, required: false,
                description: "Tried in order for every message (default: each template's). Unique."),
            "holdout_percent": number(
                0, CampaignDefinition.maximumHoldoutPercent, required: false,
                description: "Members sent nothing, to measure against (default 10)."),
            "conversion_days": integer(
                1, CampaignDefinition.maximumConversionDays, required: false,
                description: "An order this many days from the start converts (default 7)."),
            "minimum_detectable_effect": number(
                0.01, 10, required: false,
                description: "The smallest relative lift in conversion worth finding (default 0.1); sets the sample."),
            "send_at": timestamp(required: false, description: "When a launch sends it (default: at once)."),
        ]
        var stored = OrderedDictionary<String, JSONSchema>()
        stored["campaign_id"] = output()
        stored["version"] = count()
        stored["name"] = output()
        stored["segment_id"] = output()
        stored["variants"] = list(object(["variant_id": output(), "template_id": output(), "weight": count()]))
        stored["channels"] = list(cases(MessageChannel.self))
        stored["holdout_percent"] = number()
        stored["conversion_days"] = count()
        stored["minimum_detectable_effect"] = number()
        stored["send_at"] = timestamp(nullable: true)
        stored["state"] = cases(CampaignState.self)
        stored["started_at"] = timestamp(nullable: true, description: "When queueing began; conversions count from it.")
        stored["finished_at"] = timestamp(nullable: true)
        stored["audience"] = count(description: "Members of the segment when queueing began.")
        stored["queued"] = count(description: "Members given an arm so far.")
        stored["created_by"] = output()
        stored["created_at"] = timestamp()
        stored["updated_at"] = timestamp()
        return [
            .campaignInput: input(definition),
            .campaign: object(stored),
            .campaignForecast: object([
                "campaign_id": output(), "evaluated_at": timestamp(), "audience": count(),
                "arms": list(
                    object([
                        "arm": output(), "members": count(), "sends": counts(of: MessageChannel.self),
                        "held": count(description: "Held for the end of quiet hours."),
                        "skipped": counts(of: SkipReason.self),
                    ])),
            ]),
            .globalControlLift: object([
                "percent": number(description: "The group's share of members (messaging.global_control)."),
                "from": timestamp(), "to": timestamp(), "currency": output(),
                "held_back": object(outcome), "reached": object(outcome),
                "conversion": interval, "revenue_per_member": interval,
            ]),
            .campaignResults: object([
                "campaign_id": output(), "state": cases(CampaignState.self),
                "window_start": timestamp(nullable: true), "window_end": timestamp(nullable: true),
                "currency": output(),
                "arms": list(object(arm)),
                "comparisons": list(
                    object([
                        "arm": output(), "against": output(), "conversion": interval,
                        "revenue_per_member": interval,
                    ])),
                "sample_needed": count(
                    nullable: true, description: "Members each arm needs; null while the baseline has no conversions."),
                "verdict": choice(["collecting", "winner", "no_winner"]),
                "winner": output(nullable: true),
            ]),
        ]
    }
}
