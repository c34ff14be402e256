import Hummingbird
import PatronCore
import PatronStore

/// `/v1/templates`: message templates per channel and language, each change a new version, and a preview of
/// how one reads for a chosen member.
struct TemplatesController {
    let store: Store
    let links: UnsubscribeLinks

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("templates", use: list)
        group.get("templates/{template_id}", use: show)
        group.put("templates/{template_id}", use: save)
        group.delete("templates/{template_id}", use: remove)
        group.post("templates/{template_id}/preview", use: preview)
    }

    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let templates = try await store.templates()
        return try JSONBody.response(PageResource(data: templates.map(TemplateResource.init), nextCursor: nil))
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let template = try await store.template(id: try context.parameters.require("template_id"))
        return try JSONBody.response(TemplateResource(template: template)).tagged(template.version)
    }

    /// Creates the template (201) or saves a new version of it (200); every text is checked first.
    @Sendable func save(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.campaignsWrite)
        let id = try context.parameters.require("template_id")
        guard MessageTemplate.isValidID(id) else {
            throw ValidationFailure(pointer: "/template_id", detail: "must be 1 to 64 letters, digits, - or _")
        }
        let (body, _) = try await JSONBody.read(request, context: context)
        let template = try MessageTemplate.parse(body)
        let (saved, created) = try await store.saveTemplate(
            id: id, template: template, acceptedVersions: request.ifMatchVersions(), by: context.actorID ?? "unknown",
            at: store.clock.now)
        return try JSONBody.response(TemplateResource(template: saved), status: created ? .created : .ok)
            .tagged(saved.version)
    }

    @Sendable func remove(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.campaignsWrite)
        try await store.removeTemplate(
            id: try context.parameters.require("template_id"), acceptedVersions: request.ifMatchVersions(),
            by: context.actorID ?? "unknown", at: store.clock.now)
        return Response(status: .noContent)
    }

    /// The template rendered for one channel, for a chosen member (their data, language and tier) or with every
    /// name filled with itself when none is given; `order_id`, `coupon_code` and `ticket_id` add those.
    @Sendable func preview(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.campaignsWrite)
        let saved = try await store.template(id: try context.parameters.require("template_id"))
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let channel: MessageChannel? = reader.choice("channel", required: true)
        let memberID = reader.string("member_id", maxLength: 64)
        let language = reader.string("language", maxLength: 35)
        let refs = MessageRefs.read(from: &reader)
        try reader.finish()
        guard let channel else { throw ValidationFailure(pointer: "/channel", detail: "is required") }
        let (_, program) = try await store.program()
        var values = MessageValues.sample
        var memberLanguage = language
        if let memberID {
            let found = try await store.messageValues(memberID: memberID, refs: refs, program: program)
            values = found.values
            memberLanguage = language ?? found.language
            values.values["unsubscribe_url"] = links.url(memberID: memberID)
        }
        guard let content = saved.template.content(for: channel, language: memberLanguage) else {
            throw ValidationFailure(
                pointer: "/channel", detail: "the template says nothing on \(channel.rawValue) in that language")
        }
        let rendered = content.render(values, category: saved.template.category, smsOptOut: program.messaging.smsOptOut)
        return try JSONBody.response(
            RenderedResource(channel: channel, language: content.language, version: saved.version, message: rendered))
    }
}
