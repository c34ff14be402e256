import Hummingbird
import PatronAnalytics
import PatronCore
import PatronStore

/// `/v1/segments`: saved rule-based segments of members, each change a new version, and who is in one now.
struct SegmentsController {
    let store: Store
    /// Members listed in a preview.
    static let previewSample = 20

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("segments", use: list)
        group.post("segments/preview", use: preview)
        group.get("segments/{segment_id}", use: show)
        group.put("segments/{segment_id}", use: save)
        group.delete("segments/{segment_id}", use: remove)
        group.get("segments/{segment_id}/members", use: members)
    }

    @Sendable func list(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let segments = try await store.segments()
        return try JSONBody.response(PageResource(data: segments.map(SegmentResource.init), nextCursor: nil))
    }

    @Sendable func show(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let segment = try await store.segment(id: try context.parameters.require("segment_id"))
        return try JSONBody.response(SegmentResource(segment: segment)).tagged(segment.version)
    }

    /// Creates the segment (201) or saves a new version of it (200).
    @Sendable func save(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.campaignsWrite)
        let id = try Self.segmentID(context)
        let (body, _) = try await JSONBody.read(request, context: context)
        let definition = try SegmentDefinition.parse(body, vocabulary: try await vocabulary())
        let source: JSONValue = ["name": .string(definition.name), "rule": body["rule"] ?? .null]
        let (segment, created) = try await store.saveSegment(
            id: id, definition: definition, source: source, acceptedVersions: request.ifMatchVersions(),
            by: context.actorID ?? "unknown", at: store.clock.now)
        return try JSONBody.response(SegmentResource(segment: segment), status: created ? .created : .ok)
            .tagged(segment.version)
    }

    @Sendable func remove(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.campaignsWrite)
        try await store.removeSegment(
            id: try context.parameters.require("segment_id"), acceptedVersions: request.ifMatchVersions(),
            by: context.actorID ?? "unknown", at: store.clock.now)
        return Response(status: .noContent)
    }

    /// Who is in the segment now, by member id; `count` is the whole segment's.
    @Sendable func members(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let pagination = try Pagination(request)
        let segment = try await store.segment(id: try context.parameters.require("segment_id"))
        let members = try await store.segmentMembers(segment.definition.rule, at: store.clock.now)
        let ids = members.memberIDs
        var start = 0
        if let cursor = pagination.cursor {
            // The first id after the cursor: ids are sorted.
            var (low, high) = (0, ids.count)
            while low < high {
                let middle = (low + high) / 2
                if ids[middle] <= cursor { low = middle + 1 } else { high = middle }
            }
            start = low
        }
        let page = Array(ids[start..<min(ids.count, start + pagination.limit)])
        let next = start + page.count < ids.count ? page.last : nil
        return try JSONBody.response(
            SegmentMembersResource(
                segmentID: segment.segmentID, version: segment.version, members: members, page: page,
                nextCursor: Pagination.encode(next)))
    }

    /// How many members an unsaved rule selects now, and a few of them: for building a segment.
    @Sendable func preview(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        let (body, _) = try await JSONBody.read(request, context: context)
        var named = body
        if case .object(var fields) = body, fields["name"] == nil || fields["name"] == .null {
            fields["name"] = "preview"
            named = .object(fields)
        }
        let definition = try SegmentDefinition.parse(named, vocabulary: try await vocabulary())
        let members = try await store.segmentMembers(definition.rule, at: store.clock.now)
        return try JSONBody.response(
            SegmentMembersResource(
                segmentID: nil, version: nil, members: members,
                page: Array(members.memberIDs.prefix(Self.previewSample)), nextCursor: nil))
    }

    /// The names a rule may use now: the program's tiers, the RFM segments, the lifecycle stages.
    private func vocabulary() async throws -> SegmentDefinition.Vocabulary {
        let (_, program) = try await store.program()
        return SegmentDefinition.Vocabulary(
            tiers: Set(program.tiers.levels.map(\.tierID)), rfmSegments: Set(RFMSegment.allCases.map(\.rawValue)),
            lifecycleStages: Set(LifecycleStage.allCases.map(\.rawValue)))
    }

    /// The id a segment is saved under; reading or removing one by any other id simply finds nothing.
    private static func segmentID(_ context: PatronRequestContext) throws -> String {
        let id = try context.parameters.require("segment_id")
        guard SegmentDefinition.isValidID(id) else {
            throw ValidationFailure(pointer: "/segment_id", detail: "must be 1 to 64 letters, digits, - or _")
        }
        return id
    }
}
