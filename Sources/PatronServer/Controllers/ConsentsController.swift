import Hummingbird
import PatronCore
import PatronStore

/// Consent per member, the privacy policy register, and the consent report.
struct ConsentsController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("members/{member_id}/consents", use: show)
        group.put("members/{member_id}/consents", use: put)
        group.get("privacy/policies", use: policies)
        group.put("privacy/policies/{version}", use: putPolicy)
        group.get("reports/consents", use: report)
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let memberID = try context.parameters.require("member_id")
        try context.require(.membersRead, member: memberID)
        let (current, history) = try await store.consents(of: memberID)
        return try JSONBody.response(ConsentsResource(memberID: memberID, current: current, history: history))
    }

    @Sendable func put(_ request: Request, context: PatronRequestContext) async throws -> Response {
        let memberID = try context.parameters.require("member_id")
        try context.require(.membersWrite, member: memberID)
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let records = ConsentRecord.readList("consents", from: &reader, at: store.clock.now) ?? []
        if reader.raw("consents") == nil { reader.fail("consents", "is required") }
        if reader.errors.isEmpty, records.isEmpty { reader.fail("consents", "must hold at least one statement") }
        try reader.finish()
        _ = try await store.recordConsents(
            records, of: memberID, recordedBy: context.actorID ?? "unknown", at: store.clock.now)
        let (current, history) = try await store.consents(of: memberID)
        return try JSONBody.response(ConsentsResource(memberID: memberID, current: current, history: history))
    }

    @Sendable func policies(_ request: Request, context: PatronRequestContext) async throws -> Response {
        guard context.principal != nil else { throw Problem.unauthorized() }
        return try JSONBody.response(["data": try await store.privacyPolicies().map(PrivacyPolicyResource.init)])
    }

    @Sendable func putPolicy(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.privacyManage)
        let version = try context.parameters.require("version")
        let (body, _) = try await JSONBody.read(request, context: context)
        var reader = FieldReader(body)
        let policy = PrivacyPolicy.read(version, from: &reader)
        try reader.finish()
        guard let policy else { throw ValidationFailure(pointer: "/", detail: "is not a policy") }
        let created = try await store.putPrivacyPolicy(policy, by: context.actorID, at: store.clock.now)
        return try JSONBody.response(PrivacyPolicyResource(policy: policy), status: created ? .created : .ok)
    }

    @Sendable func report(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        return try JSONBody.response(ConsentReportResource(report: try await store.consentReport()))
    }
}
