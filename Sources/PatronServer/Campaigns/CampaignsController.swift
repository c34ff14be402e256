import Hummingbird
import PatronCore
import PatronStore

/// `/v1/campaigns`: sends to a segment split into variants and a holdout. A draft changes; a launch queues it
/// (now, or at its `send_at`) through ``CampaignService``; a dry run shows what the guardrails would decide;
/// the results compare each variant with the holdout.
struct CampaignsController {
    let store: Store
    /// The channels this server sends on, for the dry run.
    let available: Set<MessageChannel>

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("campaigns", use: list)
        group.get("campaigns/{campaign_id}", use: show)
        group.put("campaigns/{campaign_id}", use: save)
        group.post("campaigns/{campaign_id}/launch", use: launch)
        group.post("campaigns/{campaign_id}/cancel", use: cancel)
        group.get("campaigns/{campaign_id}/forecast", use: forecast)
        group.get("campaigns/{campaign_id}/results", use: results)
    }

    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let campaigns = try await store.campaigns()
        return try JSONBody.response(PageResource(data: campaigns.map(CampaignResource.init), nextCursor: nil))
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let campaign = try await store.campaign(id: try context.parameters.require("campaign_id"))
        return try JSONBody.response(CampaignResource(campaign: campaign)).tagged(campaign.version)
    }

    /// Creates the draft (201) or changes it (200); a launched campaign is 409.
    @Sendable func save(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.campaignsWrite)
        let id = try context.parameters.require("campaign_id")
        // `surprise` never gets here: POST /v1/campaigns/surprise is the surprise campaigns' route.
        guard SegmentDefinition.isValidID(id) else {
            throw ValidationFailure(pointer: "/campaign_id", detail: "must be 1 to 64 letters, digits, - or _")
        }
        let (body, _) = try await JSONBody.read(request, context: context)
        let definition = try CampaignDefinition.parse(body)
        let (campaign, created) = try await store.saveCampaign(
            id: id, definition: definition, acceptedVersions: request.ifMatchVersions(),
            by: context.actorID ?? "unknown", at: store.clock.now)
        return try JSONBody.response(CampaignResource(campaign: campaign), status: created ? .created : .ok)
            .tagged(campaign.version)
    }

    /// 202 when this call launched it; 200 when it was launched before (a retry), with its state now.
    @Sendable func launch(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.messagesSend)
        let (campaign, launched) = try await store.launchCampaign(
            id: try context.parameters.require("campaign_id"), at: store.clock.now)
        return try JSONBody.response(CampaignResource(campaign: campaign), status: launched ? .accepted : .ok)
            .tagged(campaign.version)
    }

    @Sendable func cancel(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.messagesSend)
        let campaign = try await store.cancelCampaign(
            id: try context.parameters.require("campaign_id"), at: store.clock.now)
        return try JSONBody.response(CampaignResource(campaign: campaign)).tagged(campaign.version)
    }

    @Sendable func forecast(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let id = try context.parameters.require("campaign_id")
        let now = store.clock.now
        let arms = try await store.campaignForecast(id: id, available: available, at: now)
        return try JSONBody.response(CampaignForecastResource(campaignID: id, evaluatedAt: now, arms: arms))
    }

    @Sendable func results(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let results = try await store.campaignResults(id: try context.parameters.require("campaign_id"))
        return try JSONBody.response(CampaignResultsResource(results: results))
    }
}
